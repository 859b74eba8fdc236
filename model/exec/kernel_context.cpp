// The non-virtual helpers of KernelContext: attr lookup with OpDef defaults, and error messages
// that name the node and its op.
#include "model/exec/kernel.h"

#include "attr_value.pb.h"
#include "node_def.pb.h"

namespace tfscope::exec {

const std::string& KernelContext::nodeName() const { return node().name(); }

const std::string& KernelContext::op() const { return node().op(); }

Result<DType> KernelContext::attrType(std::string_view name) const {
    const tensorflow::AttrValue* a = attr(name);
    if (!a || a->value_case() != tensorflow::AttrValue::kType)
        return error("Missing type attr '" + std::string(name) + "'.");
    DType d = baseType(int(a->type()));
    if (d == DType::Invalid) return error("Invalid type in attr '" + std::string(name) + "'.");
    return d;
}

DType KernelContext::attrType(std::string_view name, DType dflt) const {
    const tensorflow::AttrValue* a = attr(name);
    if (!a || a->value_case() != tensorflow::AttrValue::kType) return dflt;
    DType d = baseType(int(a->type()));
    return d == DType::Invalid ? dflt : d;
}

int64_t KernelContext::attrInt(std::string_view name, int64_t dflt) const {
    const tensorflow::AttrValue* a = attr(name);
    return a && a->value_case() == tensorflow::AttrValue::kI ? a->i() : dflt;
}

float KernelContext::attrFloat(std::string_view name, float dflt) const {
    const tensorflow::AttrValue* a = attr(name);
    return a && a->value_case() == tensorflow::AttrValue::kF ? a->f() : dflt;
}

bool KernelContext::attrBool(std::string_view name, bool dflt) const {
    const tensorflow::AttrValue* a = attr(name);
    return a && a->value_case() == tensorflow::AttrValue::kB ? a->b() : dflt;
}

std::string KernelContext::attrString(std::string_view name, std::string dflt) const {
    const tensorflow::AttrValue* a = attr(name);
    return a && a->value_case() == tensorflow::AttrValue::kS ? a->s() : dflt;
}

std::vector<int64_t> KernelContext::attrIntList(std::string_view name, std::vector<int64_t> dflt) const {
    const tensorflow::AttrValue* a = attr(name);
    if (!a || a->value_case() != tensorflow::AttrValue::kList) return dflt;
    return std::vector<int64_t>(a->list().i().begin(), a->list().i().end());
}

std::vector<DType> KernelContext::attrTypeList(std::string_view name) const {
    std::vector<DType> out;
    const tensorflow::AttrValue* a = attr(name);
    if (!a || a->value_case() != tensorflow::AttrValue::kList) return out;
    for (int t : a->list().type()) out.push_back(baseType(t));
    return out;
}

std::vector<std::string> KernelContext::attrStringList(std::string_view name) const {
    const tensorflow::AttrValue* a = attr(name);
    if (!a || a->value_case() != tensorflow::AttrValue::kList) return {};
    return std::vector<std::string>(a->list().s().begin(), a->list().s().end());
}

Status KernelContext::error(const std::string& message) const {
    return Status::invalidArgument("Node '" + nodeName() + "' (" + op() + "): " + message);
}

}  // namespace tfscope::exec
