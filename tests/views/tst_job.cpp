// runJob (views/util/job.h) is the exception boundary of background work: an exception thrown by
// the core call becomes a failed outcome with its message, never a silently empty future that
// the window would show as "Cancelled".
#include <QtTest>

#include <new>
#include <stdexcept>

#include "views/util/job.h"

using namespace tfscope;

class TestJob : public QObject {
    Q_OBJECT
private slots:
    void testResult() {
        auto f = runJob<JobOutcome<int>>([](Progress&) { return JobOutcome<int>::from(Result<int>(42)); });
        f.waitForFinished();
        QCOMPARE(f.resultCount(), 1);
        QVERIFY(f.result().status.ok());
        QCOMPARE(*f.result().value, 42);
    }
    void testBadAllocIsAnError() {
        auto f = runJob<JobOutcome<int>>([](Progress&) -> JobOutcome<int> { throw std::bad_alloc(); });
        f.waitForFinished();
        QCOMPARE(f.resultCount(), 1);
        QCOMPARE(f.result().status.code(), Status::Code::ResourceExhausted);
        QVERIFY(f.result().status.message().find("Out of memory") != std::string::npos);
        QVERIFY(!f.result().value);
    }
    void testOtherExceptionIsAnError() {
        auto f = runJob<JobOutcome<int>>([](Progress&) -> JobOutcome<int> { throw std::runtime_error("boom"); });
        f.waitForFinished();
        QCOMPARE(f.resultCount(), 1);
        QCOMPARE(f.result().status.code(), Status::Code::Internal);
        QCOMPARE(QString::fromStdString(f.result().status.message()), QStringLiteral("Unexpected error: boom"));
    }
};

QTEST_GUILESS_MAIN(TestJob)
#include "tst_job.moc"
