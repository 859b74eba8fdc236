#include "model/exec/op_profile.h"

namespace tfscope::exec {
namespace {

// Milliseconds of kernel calls nested in the one running on this thread.
thread_local double t_nestedMs = 0;

}  // namespace

void OpProfile::add(const std::string& op, const std::string& node, double ms) {
    std::lock_guard<std::mutex> lock(m_mutex);
    Entry& o = m_byOp[op];
    ++o.calls;
    o.ms += ms;
    Entry& n = m_byNode[op + " " + node];
    ++n.calls;
    n.ms += ms;
}

std::map<std::string, OpProfile::Entry> OpProfile::byOp() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_byOp;
}

std::map<std::string, OpProfile::Entry> OpProfile::byNode() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_byNode;
}

void OpProfile::clear() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_byOp.clear();
    m_byNode.clear();
}

OpProfile::Scope::Scope(OpProfile* profile, const std::string& op, const std::string& node)
    : m_profile(profile), m_op(op), m_node(node) {
    if (!m_profile) return;
    m_outerNested = t_nestedMs;
    t_nestedMs = 0;
    m_start = std::chrono::steady_clock::now();
}

OpProfile::Scope::~Scope() {
    if (!m_profile) return;
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_start).count();
    m_profile->add(m_op, m_node, ms - t_nestedMs);
    t_nestedMs = m_outerNested + ms;
}

}  // namespace tfscope::exec
