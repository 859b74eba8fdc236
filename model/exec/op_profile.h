#pragma once
// OpProfile: where a session's runs spend their time, by op and by node. A Session given one
// (SessionOptions::profile) times every kernel call; a node that runs others (a function call, a
// While loop) counts only the time outside them, so the entries add up to the runs' kernel time.
//
//   exec::OpProfile profile;
//   options.profile = &profile;                 // before the session is opened
//   ... runs ...
//   for (const auto& [op, e] : profile.byOp()) std::printf("%s %.3f ms\n", op.c_str(), e.ms);
//
// Thread-safe: runs on several threads add to it; byOp/byNode copy under its lock.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace tfscope::exec {

class OpProfile {
public:
    struct Entry {
        int64_t calls = 0;
        double ms = 0;  // own time: nested kernel calls excluded
    };

    void add(const std::string& op, const std::string& node, double ms);
    std::map<std::string, Entry> byOp() const;
    std::map<std::string, Entry> byNode() const;  // keyed "op name"
    void clear();

    // Times one kernel call on this thread, minus the kernel calls it makes itself.
    class Scope {
    public:
        Scope(OpProfile* profile, const std::string& op, const std::string& node);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        OpProfile* m_profile;
        const std::string& m_op;
        const std::string& m_node;
        std::chrono::steady_clock::time_point m_start;
        double m_outerNested = 0;
    };

private:
    mutable std::mutex m_mutex;
    std::map<std::string, Entry> m_byOp, m_byNode;
};

}  // namespace tfscope::exec
