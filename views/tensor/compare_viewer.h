#pragma once
// CompareViewer: one variable of two compared models (File > Compare With…): what diffModels said
// about it (kind, max |Δ|, max rel, rms, cosine, elements changed), the difference B − A as a
// tensor with its statistics and histogram, both tensors (tabs of TensorViewers), and the largest
// changes first (index, A, B, Δ; picking one shows that element in the three tables). The
// element-wise difference is computed off the GUI thread by elementDifferences
// (model/diff/element_diff.h); the newest request wins.
//
//   viewer->showVariable(diff.variables[i], tensorA, tensorB, "00000123", "00000124");

#include <QFutureWatcher>
#include <QWidget>

#include "model/diff/element_diff.h"
#include "model/diff/model_diff.h"
#include "views/util/job.h"

class QLabel;
class QTabWidget;
class QTableWidget;

namespace tfscope {

class TensorViewer;

class CompareViewer : public QWidget {
    Q_OBJECT
public:
    static constexpr int kLargestListed = 100;

    explicit CompareViewer(QWidget* parent = nullptr);
    ~CompareViewer() override;

    // `a`, `b`: the two tensors (invalid on a side that lacks the variable, or could not be read:
    // then `errorA` / `errorB` say why).
    void showVariable(const VariableDiff& d, Tensor a, Tensor b, const QString& labelA, const QString& labelB, const QString& errorA = {},
                      const QString& errorB = {});
    void clear();
    // Computing the difference or any of the three viewers' statistics.
    bool busy() const;
    const VariableDiff& variable() const { return m_variable; }
    // The difference of the variable shown (nullptr before it is computed or when there is none).
    const ElementDiff* elementDiff() const { return m_elements.get(); }
    QString summaryText() const;
    QTabWidget* tabs() const { return m_tabs; }
    TensorViewer* differenceViewer() const { return m_diffView; }
    TensorViewer* viewerA() const { return m_aView; }
    TensorViewer* viewerB() const { return m_bView; }
    QTableWidget* largestTable() const { return m_largest; }

signals:
    // The difference (or the reason there is none) is shown.
    void differenceReady();

private:
    void onDifference();

    QLabel* m_summary;
    QTabWidget* m_tabs;
    TensorViewer* m_diffView;
    TensorViewer* m_aView;
    TensorViewer* m_bView;
    QLabel* m_largestTitle;
    QTableWidget* m_largest;
    VariableDiff m_variable;
    Shape m_shape;
    std::shared_ptr<const ElementDiff> m_elements;
    QFutureWatcher<JobOutcome<ElementDiff>> m_watcher;
};

}  // namespace tfscope
