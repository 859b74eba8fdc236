#pragma once
// ExampleEditor: builds a batch of serialized tf.Example protos for a DT_STRING input that feeds
// ParseExample: one row per feature key the graph parses (io::exampleFeatures), one column per
// example. A cell holds the feature's values as a literal (`1.5`, `[1, 2]`, `'a'`); an empty cell
// leaves the feature out of that example. Bare text in a string feature is one value.
//
//   auto* e = new ExampleEditor(features, parent);
//   e->setCell(0, 0, QStringLiteral("[1.0]"));
//   Result<Tensor> batch = e->value();   // DT_STRING [examples]

#include <QStringList>
#include <QVariantMap>
#include <QWidget>

#include <vector>

#include "model/io/example_features.h"
#include "model/status.h"
#include "model/tensor.h"

class QTableWidget;
class QPushButton;

namespace tfscope {

class ExampleEditor : public QWidget {
    Q_OBJECT
public:
    explicit ExampleEditor(std::vector<io::ExampleFeature> features, QWidget* parent = nullptr);

    int exampleCount() const;
    void setExampleCount(int n);
    void setCell(int feature, int example, const QString& text);
    QString cell(int feature, int example) const;
    const std::vector<io::ExampleFeature>& features() const { return m_features; }
    QTableWidget* table() const { return m_table; }

    // The serialized examples, or the first problem (which example, which feature).
    Result<Tensor> value() const;

    // Cells by feature key, one list entry per example (for QSettings).
    QVariantMap state() const;
    void restoreState(const QVariantMap& state);

signals:
    void changed();

private:
    void addExample();
    void removeExample();

    std::vector<io::ExampleFeature> m_features;
    QTableWidget* m_table;
    QPushButton* m_remove;
};

}  // namespace tfscope
