#pragma once
// Status and Result<T>: how model/ reports errors (no exceptions cross its API).
//
//   Result<Tensor> r = reader->read("a");
//   if (!r.ok()) return r.status();
//   TFS_ASSIGN_OR_RETURN(Tensor t, reader->read("a"));
//
// Messages are one sentence, values in single quotes, final period. The caller that knows the
// file path prepends it with Status::withContext().

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tfscope {

class [[nodiscard]] Status {
public:
    enum class Code { Ok, NotFound, InvalidArgument, Corruption, Unimplemented, IOError, Cancelled, ResourceExhausted, FailedPrecondition, Internal };

    Status() = default;
    Status(Code code, std::string message) : m_code(code), m_message(std::move(message)) {}

    static Status OK() { return {}; }
    static Status notFound(std::string m) { return {Code::NotFound, std::move(m)}; }
    static Status invalidArgument(std::string m) { return {Code::InvalidArgument, std::move(m)}; }
    static Status corruption(std::string m) { return {Code::Corruption, std::move(m)}; }
    static Status unimplemented(std::string m) { return {Code::Unimplemented, std::move(m)}; }
    static Status ioError(std::string m) { return {Code::IOError, std::move(m)}; }
    static Status cancelled(std::string m = "Cancelled.") { return {Code::Cancelled, std::move(m)}; }
    static Status resourceExhausted(std::string m) { return {Code::ResourceExhausted, std::move(m)}; }
    static Status failedPrecondition(std::string m) { return {Code::FailedPrecondition, std::move(m)}; }
    static Status internal(std::string m) { return {Code::Internal, std::move(m)}; }

    bool ok() const { return m_code == Code::Ok; }
    Code code() const { return m_code; }
    const std::string& message() const { return m_message; }
    // "path: message" — used by the layer that knows which file was involved.
    Status withContext(const std::string& context) const {
        if (ok() || context.empty()) return *this;
        return {m_code, context + ": " + m_message};
    }
    static const char* codeName(Code c);
    std::string toString() const { return ok() ? std::string("OK") : std::string(codeName(m_code)) + ": " + m_message; }

private:
    Code m_code = Code::Ok;
    std::string m_message;
};

inline const char* Status::codeName(Code c) {
    switch (c) {
    case Code::Ok: return "OK";
    case Code::NotFound: return "Not found";
    case Code::InvalidArgument: return "Invalid argument";
    case Code::Corruption: return "Corruption";
    case Code::Unimplemented: return "Unimplemented";
    case Code::IOError: return "I/O error";
    case Code::Cancelled: return "Cancelled";
    case Code::ResourceExhausted: return "Resource exhausted";
    case Code::FailedPrecondition: return "Failed precondition";
    case Code::Internal: return "Internal";
    }
    return "Unknown";
}

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}                       // NOLINT: implicit by design
    Result(Status status) : m_status(std::move(status)) { assert(!m_status.ok()); }  // NOLINT

    bool ok() const { return m_status.ok(); }
    const Status& status() const { return m_status; }
    T& value() & { assert(ok()); return *m_value; }
    const T& value() const& { assert(ok()); return *m_value; }
    T&& value() && { assert(ok()); return std::move(*m_value); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    Status m_status;
    std::optional<T> m_value;
};

}  // namespace tfscope

#define TFS_CONCAT_INNER_(a, b) a##b
#define TFS_CONCAT_(a, b) TFS_CONCAT_INNER_(a, b)

#define TFS_RETURN_IF_ERROR(expr)                        \
    do {                                                 \
        ::tfscope::Status tfs_status_ = (expr);          \
        if (!tfs_status_.ok()) return tfs_status_;       \
    } while (0)

#define TFS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
    auto tmp = (expr);                             \
    if (!tmp.ok()) return tmp.status();            \
    lhs = std::move(tmp).value()

#define TFS_ASSIGN_OR_RETURN(lhs, expr) TFS_ASSIGN_OR_RETURN_IMPL_(TFS_CONCAT_(tfs_result_, __LINE__), lhs, expr)
