# bash completion for tfscope (installed as share/bash-completion/completions/tfscope): the
# subcommands, each one's options, the values some options take, and paths.
# tests/app/package_test.sh checks that every option of `tfscope SUBCOMMAND --help` is offered.

_tfscope_paths() {  # files and folders; only folders with -d
    if declare -F _filedir >/dev/null; then
        _filedir "$@"
    else
        local IFS=$'\n'
        COMPREPLY=($(compgen "${1:--f}" -- "$cur"))
        compopt -o filenames 2>/dev/null
    fi
}

_tfscope() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
    fi

    local commands="show ckpt versions scan run export diff lint serve help"
    local command="" i
    for ((i = 1; i < cword; i++)); do
        case " $commands " in *" ${words[i]} "*) command=${words[i]}; break ;; esac
        [[ ${words[i]} == -* ]] || break  # a model path: the window
    done

    # Options that take a value: complete the value.
    case $prev in
    --screenshot | --view-json | --outdir | --out | --save-script | --dir)
        case $prev in --outdir | --dir) _tfscope_paths -d ;; *) _tfscope_paths ;; esac
        return ;;
    --model_base_path)
        _tfscope_paths -d
        return ;;
    --inputs | --script | --from-npy | --model_config_file)
        _tfscope_paths
        return ;;
    --format)
        COMPREPLY=($(compgen -W "checkpoint savedmodel" -- "$cur"))
        return ;;
    --tag_set)
        COMPREPLY=($(compgen -W "serve train eval" -- "$cur"))
        return ;;
    --signature_def | --select | --run | --tensor_name | --tensor-name | --printoptions | --op_denylist | \
        --input_exprs | --input_examples | --memory_limit | --threads | --exclude | --rename | --set | \
        --scale | --add | --model_name | --port | --grpc_host | --rest_api_port | --rest_api_host | \
        --file_system_poll_wait_seconds | --rest_api_num_threads | --grpc_max_threads | --rest_api_timeout_in_ms | \
        --max_request_bytes | --tensorflow_intra_op_parallelism)
        return ;;
    esac

    local options
    case $command in
    show) options="--dir --all --tag_set --signature_def --list_ops --json --help" ;;
    ckpt) options="--tensor_name --tensor-name --all_tensor_names --all-tensor-names --all_tensors --all-tensors
                   --verify --json --printoptions --help" ;;
    versions) options="--json --help" ;;
    scan) options="--tag_set --op_denylist --fetches --feeds --json --help" ;;
    run) options="--tag_set --signature_def --fetches --script --set --scale --add --from-npy --inputs --input_exprs --input_examples --outdir --overwrite --json
                  --memory_limit --threads --help" ;;
    export) options="--select --exclude --trainable-only --no-optimizer-slots --rename --set --scale --add
                     --from-npy --script --save-script --out --format --state-file --json --help" ;;
    diff) options="--version --match --json --all --exit-code --help" ;;
    lint) options="--checkpoint --write-script --json --help" ;;
    serve) options="--model_name --model_base_path --model_config_file --port --grpc_host --rest_api_port
                    --rest_api_host --file_system_poll_wait_seconds --rest_api_num_threads --grpc_max_threads
                    --rest_api_timeout_in_ms --max_request_bytes --tensorflow_intra_op_parallelism --verbose --help" ;;
    help)
        COMPREPLY=($(compgen -W "${commands% help}" -- "$cur"))
        return ;;
    *) options="--screenshot --view-json --select --run --tag_set --signature_def --raw --help --version" ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    elif [ -z "$command" ] && ((cword == 1)); then
        _tfscope_paths
        COMPREPLY+=($(compgen -W "$commands" -- "$cur"))
    else
        _tfscope_paths
    fi
}
complete -F _tfscope tfscope
