// String kernels the restore path needs: StringJoin (scalars broadcast) and StaticRegexFullMatch
// (std::regex ECMAScript: enough for the patterns TF writes, e.g. `^s3://.*`).
#include <regex>

#include "model/exec/builtin_kernels.h"

namespace tfscope::exec {
namespace {

Status computeStringJoin(KernelContext& ctx) {
    std::string sep = ctx.attrString("separator", "");
    Shape shape;
    bool haveShape = false;
    std::vector<const Tensor*> in;
    for (int i = 0; i < ctx.numInputs(); ++i) {
        TFS_ASSIGN_OR_RETURN(const Tensor* t, ctx.input(i));
        if (t->dtype() != DType::String) return ctx.error("Input " + std::to_string(i) + " is not a string tensor.");
        if (t->rank() > 0 || t->numElements() != 1) {
            if (haveShape && t->shape() != shape)
                return ctx.error("Inputs have different shapes " + shapeToString(shape) + " and " + shapeToString(t->shape()) + ".");
            shape = t->shape();
            haveShape = true;
        }
        in.push_back(t);
    }
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, DType::String, shape));
    auto& s = out->mutableStrings();
    for (int64_t k = 0; k < out->numElements(); ++k) {
        std::string v;
        for (size_t i = 0; i < in.size(); ++i) {
            if (i) v += sep;
            v += in[i]->strings()[in[i]->numElements() == 1 ? 0 : size_t(k)];
        }
        s[size_t(k)] = std::move(v);
    }
    return Status::OK();
}

Status computeStaticRegexFullMatch(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* x, ctx.input(0));
    if (x->dtype() != DType::String) return ctx.error("Input must be a string tensor.");
    std::string pattern = ctx.attrString("pattern", "");
    std::regex re;
    try {
        re = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
        return ctx.error("Unsupported regular expression '" + pattern + "'.");
    }
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, DType::Bool, x->shape()));
    bool* o = out->mutableData<bool>();
    for (int64_t i = 0; i < x->numElements(); ++i) o[i] = std::regex_match(x->strings()[size_t(i)], re);
    return Status::OK();
}

const KernelDef kStringJoin{"StringJoin", computeStringJoin};
const KernelDef kStaticRegexFullMatch{"StaticRegexFullMatch", computeStaticRegexFullMatch};

}  // namespace

void appendStringKernels(std::vector<const KernelDef*>& out) {
    out.push_back(&kStringJoin);
    out.push_back(&kStaticRegexFullMatch);
}

}  // namespace tfscope::exec
