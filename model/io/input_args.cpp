#include "model/io/input_args.h"

#include "model/io/example_builder.h"
#include "model/io/literal.h"
#include "model/io/npy.h"
#include "model/io/npz.h"

namespace tfscope::io {
namespace {

std::string trim(std::string_view s) {
    size_t b = s.find_first_not_of(" \t\n");
    size_t e = s.find_last_not_of(" \t\n");
    return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

Result<Tensor> loadFileInput(const std::string& key, const std::string& spec) {
    std::string path = spec, var;
    if (!spec.empty() && spec.back() == ']') {
        size_t open = spec.rfind('[');
        if (open == std::string::npos) return Status::invalidArgument("Invalid input '" + key + "=" + spec + "'.");
        path = spec.substr(0, open);
        var = spec.substr(open + 1, spec.size() - open - 2);
    }
    bool isNpz = path.size() > 4 && path.compare(path.size() - 4, 4, ".npz") == 0;
    if (!isNpz) {
        if (!var.empty()) return Status::invalidArgument("Input '" + key + "': '" + path + "' is not an .npz file, so '[" + var + "]' does not apply.");
        return readNpy(path);
    }
    TFS_ASSIGN_OR_RETURN(auto arrays, readNpz(path));
    if (arrays.empty()) return Status::invalidArgument(path + ": The .npz file holds no arrays.");
    if (var.empty()) return arrays.begin()->second;
    auto it = arrays.find(var);
    if (it == arrays.end()) {
        std::string names;
        for (const auto& [k, v] : arrays) names += (names.empty() ? "'" : ", '") + k + "'";
        return Status::notFound(path + ": No array '" + var + "'; the file holds " + names + ".");
    }
    return it->second;
}

}  // namespace

namespace {

// "k=v<sep>k2=v2" -> pairs, splitting on `sep` outside brackets and quotes.
Result<std::vector<std::pair<std::string, std::string>>> splitOn(std::string_view text, char sep, std::string_view option) {
    std::vector<std::pair<std::string, std::string>> out;
    int depth = 0;
    char quote = 0;
    size_t start = 0;
    auto flush = [&](size_t end) -> Status {
        std::string item = trim(text.substr(start, end - start));
        start = end + 1;
        if (item.empty()) return Status::OK();
        size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            return Status::invalidArgument("Invalid " + std::string(option) + " item '" + item + "'; expected 'key=value'.");
        out.push_back({trim(item.substr(0, eq)), trim(item.substr(eq + 1))});
        return Status::OK();
    };
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quote) {
            if (c == '\\') ++i;
            else if (c == quote) quote = 0;
            continue;
        }
        if (c == '\'' || c == '"') quote = c;
        else if (c == '[' || c == '(' || c == '{') ++depth;
        else if (c == ']' || c == ')' || c == '}') --depth;
        else if (c == sep && depth == 0) TFS_RETURN_IF_ERROR(flush(i));
    }
    TFS_RETURN_IF_ERROR(flush(text.size()));
    return out;
}

// "sparse(indices=[[0,0]], values=[1.0], dense_shape=[1,3])" -> the three component inputs of
// `key` (exec/sparse_feed.h); the values are cast to `dtype`, indices and dense_shape to int64.
Result<std::vector<std::pair<std::string, Tensor>>> parseSparseLiteral(const std::string& key, std::string_view text, DType dtype) {
    std::string_view inner = text.substr(7, text.size() - 8);
    TFS_ASSIGN_OR_RETURN(auto parts, splitOn(inner, ',', "sparse(...)"));
    std::map<std::string, Tensor> got;
    for (const auto& [name, value] : parts) {
        DType want;
        if (name == "indices" || name == "dense_shape") want = DType::Int64;
        else if (name == "values") want = dtype;
        else return Status::invalidArgument("Unknown sparse(...) field '" + name + "'; expected 'indices', 'values' and 'dense_shape'.");
        if (got.count(name)) return Status::invalidArgument("The sparse(...) field '" + name + "' is given more than once.");
        TFS_ASSIGN_OR_RETURN(Literal lit, parseLiteral(value));
        auto t = literalToTensor(lit, want);
        if (!t.ok()) return t.status().withContext("Field '" + name + "'");
        got[name] = std::move(t).value();
    }
    for (const char* name : {"indices", "values", "dense_shape"})
        if (!got.count(name)) return Status::invalidArgument(std::string("The sparse(...) value has no '") + name + "' field.");
    // An empty list parses as a 1-D tensor; zero entries of a rank-R tensor are indices [0, R].
    Tensor& indices = got["indices"];
    if (indices.numElements() == 0) indices = Tensor(DType::Int64, {0, got["dense_shape"].numElements()});
    if (got["values"].numElements() == 0 && dtype != DType::Invalid) got["values"] = Tensor(dtype, {0});
    return std::vector<std::pair<std::string, Tensor>>{
        {key + ".indices", got["indices"]}, {key + ".values", got["values"]}, {key + ".dense_shape", got["dense_shape"]}};
}

bool isSparseLiteral(std::string_view text) {
    return text.size() >= 8 && text.substr(0, 7) == "sparse(" && text.back() == ')';
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> splitAssignments(std::string_view text, std::string_view option) {
    return splitOn(text, ';', option);
}

Result<std::map<std::string, Tensor>> parseRunInputs(std::string_view inputs, std::string_view exprs, std::string_view examples,
                                                     const std::map<std::string, DType>& expected) {
    std::map<std::string, Tensor> out;
    auto add = [&](const std::string& key, Tensor t) -> Status {
        if (out.count(key)) return Status::invalidArgument("Input key '" + key + "' is given more than once.");
        out[key] = std::move(t);
        return Status::OK();
    };
    TFS_ASSIGN_OR_RETURN(auto files, splitAssignments(inputs, "--inputs"));
    for (const auto& [key, spec] : files) {
        TFS_ASSIGN_OR_RETURN(Tensor t, loadFileInput(key, spec));
        TFS_RETURN_IF_ERROR(add(key, std::move(t)));
    }
    TFS_ASSIGN_OR_RETURN(auto literals, splitAssignments(exprs, "--input_exprs"));
    for (const auto& [key, text] : literals) {
        auto it = expected.find(key);
        if (isSparseLiteral(text)) {
            auto parts = parseSparseLiteral(key, text, it == expected.end() ? DType::Invalid : it->second);
            if (!parts.ok()) return parts.status().withContext("Input '" + key + "'");
            for (auto& [k, t] : parts.value()) TFS_RETURN_IF_ERROR(add(k, std::move(t)));
            continue;
        }
        auto parsed = parseLiteral(text);
        if (!parsed.ok()) return parsed.status().withContext("Input '" + key + "'");
        auto t = literalToTensor(parsed.value(), it == expected.end() ? DType::Invalid : it->second);
        if (!t.ok()) return t.status().withContext("Input '" + key + "'");
        TFS_RETURN_IF_ERROR(add(key, std::move(t).value()));
    }
    TFS_ASSIGN_OR_RETURN(auto exs, splitAssignments(examples, "--input_examples"));
    for (const auto& [key, text] : exs) {
        auto t = examplesFromText(text);
        if (!t.ok()) return t.status().withContext("Input '" + key + "'");
        TFS_RETURN_IF_ERROR(add(key, std::move(t).value()));
    }
    return out;
}

}  // namespace tfscope::io
