#pragma once
// runJob: runs a core call that takes a plain-C++ Progress& on the Qt thread pool and hands back a
// QFuture (docs/architecture.md#background-jobs). Progress reports become QFuture progress, QFuture::cancel() becomes
// Progress::isCancelled(). Watch the future with a QFutureWatcher; `finished` also fires on cancel.
//
//   QFuture<JobOutcome<Model>> f = runJob<JobOutcome<Model>>([path](Progress& p) {
//       return JobOutcome<Model>::from(ModelLoader::load(path, &p)); });
//   watcher->setFuture(f);

#include <QFuture>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>
#include <memory>
#include <new>
#include <type_traits>

#include "model/progress.h"
#include "model/status.h"

namespace tfscope {

// A result or an error, cheap to copy across threads.
template <typename T>
struct JobOutcome {
    Status status;
    std::shared_ptr<const T> value;

    template <typename R>
    static JobOutcome from(R result) {
        JobOutcome o;
        if (!result.ok()) {
            o.status = result.status();
            return o;
        }
        using V = std::decay_t<decltype(std::move(result).value())>;
        if constexpr (std::is_convertible_v<V, std::shared_ptr<const T>>) o.value = std::move(result).value();
        else o.value = std::make_shared<const T>(std::move(result).value());
        return o;
    }
};

// Progress adapter over a QPromise; progress is scaled to 0..1000.
template <typename T>
class PromiseProgress final : public Progress {
public:
    explicit PromiseProgress(QPromise<T>& promise) : m_promise(promise) { m_promise.setProgressRange(0, 1000); }
    void report(int64_t done, int64_t total) override {
        if (total > 0) m_promise.setProgressValue(int(std::min<int64_t>(1000, done * 1000 / total)));
    }
    bool isCancelled() const override { return m_promise.isCanceled() || Progress::isCancelled(); }

private:
    QPromise<T>& m_promise;  // Not owned; outlives this (lives for the job).
};

template <typename T>
struct IsJobOutcome : std::false_type {};
template <typename T>
struct IsJobOutcome<JobOutcome<T>> : std::true_type {};

// The outcome of a job that threw: its message as the error.
template <typename T>
T failedJob(Status status) {
    T t;
    t.status = std::move(status);
    return t;
}

template <typename T, typename Fn>
QFuture<T> runJob(Fn fn) {
    static_assert(IsJobOutcome<T>::value, "runJob returns a JobOutcome<...>");
    return QtConcurrent::run([fn = std::move(fn)](QPromise<T>& promise) mutable {
        PromiseProgress<T> progress(promise);
        T result;
        try {
            result = fn(static_cast<Progress&>(progress));
        } catch (const std::bad_alloc&) {
            result = failedJob<T>(Status::resourceExhausted("Out of memory: the operation needed more memory than is available."));
        } catch (const std::exception& e) {
            result = failedJob<T>(Status::internal(std::string("Unexpected error: ") + e.what()));
        } catch (...) {
            result = failedJob<T>(Status::internal("Unexpected error (unknown exception)."));
        }
        if (!promise.isCanceled()) promise.addResult(std::move(result));
    });
}

}  // namespace tfscope
