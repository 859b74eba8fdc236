#include "app/cli_edit_flags.h"

#include <CLI/CLI.hpp>

#include <optional>
#include <stdexcept>

namespace tfscope::cli {
namespace {

// "name=VALUE" -> {name, VALUE}; the last '=' splits (names may not contain '=' then).
Result<std::pair<std::string, std::string>> splitAssign(const std::string& s, const char* flag) {
    const size_t eq = s.rfind('=');
    if (eq == std::string::npos || eq == 0) return Status::invalidArgument(std::string(flag) + " expects 'name=value', got '" + s + "'.");
    return std::make_pair(s.substr(0, eq), s.substr(eq + 1));
}

Result<double> parseNumber(const std::string& s, const char* flag) {
    try {
        size_t used = 0;
        const double v = std::stod(s, &used);
        if (used == s.size()) return v;
    } catch (const std::exception&) {
    }
    return Status::invalidArgument(std::string(flag) + " expects a number, got '" + s + "'.");
}

// "w[0,1]" -> {"w", {0,1}}; "w" -> {"w", nullopt} (no index).
Result<std::pair<std::string, std::optional<std::vector<int64_t>>>> splitIndex(const std::string& target) {
    using Out = std::pair<std::string, std::optional<std::vector<int64_t>>>;
    const size_t open = target.rfind('[');
    if (target.empty() || target.back() != ']' || open == std::string::npos) return Out{target, std::nullopt};
    std::vector<int64_t> index;
    const std::string body = target.substr(open + 1, target.size() - open - 2);
    size_t pos = 0;
    while (!body.empty()) {
        const size_t comma = body.find(',', pos);
        const std::string part = body.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        try {
            size_t used = 0;
            index.push_back(std::stoll(part, &used));
            if (used != part.size()) throw std::invalid_argument(part);
        } catch (const std::exception&) {
            return Status::invalidArgument("--set expects an index like 'w[0,1]=2.5', got '" + target + "'.");
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return Out{target.substr(0, open), std::move(index)};
}

}  // namespace

void addValueEditFlags(CLI::App& sub, ValueEditFlags& f) {
    sub.add_option("--set", f.set, "'name=VALUE' fills a tensor; 'name[i,j]=VALUE' sets one cell")->allow_extra_args(false);
    sub.add_option("--scale", f.scale, "'name=FACTOR' multiplies a tensor")->allow_extra_args(false);
    sub.add_option("--add", f.add, "'name=VALUE' adds to every element")->allow_extra_args(false);
    sub.add_option("--from-npy", f.fromNpy, "'name=file.npy' replaces a tensor (same shape and dtype)")->allow_extra_args(false);
}

Result<std::vector<EditOp>> valueEditOps(const ValueEditFlags& f) {
    std::vector<EditOp> ops;
    for (const std::string& s : f.set) {
        TFS_ASSIGN_OR_RETURN(auto assign, splitAssign(s, "--set"));
        TFS_ASSIGN_OR_RETURN(auto target, splitIndex(assign.first));
        TFS_ASSIGN_OR_RETURN(double v, parseNumber(assign.second, "--set"));
        ops.push_back(target.second ? EditOp::setCell(target.first, *target.second, v) : EditOp::fill(target.first, v));
    }
    for (const std::string& s : f.scale) {
        TFS_ASSIGN_OR_RETURN(auto assign, splitAssign(s, "--scale"));
        TFS_ASSIGN_OR_RETURN(double v, parseNumber(assign.second, "--scale"));
        ops.push_back(EditOp::scale(assign.first, v));
    }
    for (const std::string& s : f.add) {
        TFS_ASSIGN_OR_RETURN(auto assign, splitAssign(s, "--add"));
        TFS_ASSIGN_OR_RETURN(double v, parseNumber(assign.second, "--add"));
        ops.push_back(EditOp::add(assign.first, v));
    }
    for (const std::string& s : f.fromNpy) {
        const size_t eq = s.find('=');
        if (eq == std::string::npos || eq == 0) return Status::invalidArgument("--from-npy expects 'name=file.npy', got '" + s + "'.");
        ops.push_back(EditOp::fromNpy(s.substr(0, eq), s.substr(eq + 1)));
    }
    return ops;
}

}  // namespace tfscope::cli
