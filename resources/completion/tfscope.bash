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

    local commands="show ckpt versions scan run export diff lint help"
    local command="" i
    for ((i = 1; i < cword; i++)); do
        case " $commands " in *" ${words[i]} "*) command=${words[i]}; break ;; esac
        [[ ${words[i]} == -* ]] || break  # a model path: the window
    done

    # Options that take a value: complete the value.
    case $prev in
    --screenshot | --outdir | --out | --save-script | --dir)
        case $prev in --outdir | --dir) _tfscope_paths -d ;; *) _tfscope_paths ;; esac
        return ;;
    --inputs | --script | --from-npy)
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
        --scale | --add)
        return ;;
    esac

    local options
    case $command in
    show) options="--dir --all --tag_set --signature_def --list_ops --json --help" ;;
    ckpt) options="--tensor_name --tensor-name --all_tensor_names --all-tensor-names --all_tensors --all-tensors
                   --verify --json --printoptions --help" ;;
    versions) options="--json --help" ;;
    scan) options="--tag_set --op_denylist --json --help" ;;
    run) options="--tag_set --signature_def --inputs --input_exprs --input_examples --outdir --overwrite --json
                  --memory_limit --threads --help" ;;
    export) options="--select --exclude --trainable-only --no-optimizer-slots --rename --set --scale --add
                     --from-npy --script --save-script --out --format --state-file --json --help" ;;
    diff) options="--version --match --json --all --exit-code --help" ;;
    lint) options="--checkpoint --write-script --json --help" ;;
    help)
        COMPREPLY=($(compgen -W "${commands% help}" -- "$cur"))
        return ;;
    *) options="--screenshot --select --run --help --version" ;;
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
