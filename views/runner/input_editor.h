#pragma once
// InputEditor: the value of one signature input in the runner form: key, dtype and shape from the
// signature, then one of three sources: a literal (`[[1, 2], [3, 4]]`, parsed by io/literal and
// validated as you type), a .npy file, or tf.Example rows (ExampleEditor, for a DT_STRING input
// that feeds ParseExample). Each -1 dimension gets a spin box; "Fill" writes a literal of that
// shape. The spin boxes follow the shape of a valid literal. An optional input (the graph computes
// it, TensorSpec::optional) starts empty and may stay so: it is then left out of the run, as
// `tfscope run` leaves out what is not given.
//
//   auto* e = new InputEditor("x", spec, {}, parent);
//   e->literalEdit()->setPlainText("[[1.0], [2.0]]");
//   if (e->isValid() && !e->isOmitted()) feeds["x"] = e->value().value();

#include <QString>
#include <QVariantMap>
#include <QWidget>

#include <vector>

#include "model/exec/session.h"
#include "model/io/example_features.h"
#include "model/tensor.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QSpinBox;

namespace tfscope {

class ExampleEditor;

class InputEditor : public QWidget {
    Q_OBJECT
public:
    enum class Source { Literal = 0, Npy = 1, Examples = 2 };

    // `features` non-empty adds the Examples source (and selects it).
    InputEditor(const std::string& key, const exec::TensorSpec& spec, std::vector<io::ExampleFeature> features,
                QWidget* parent = nullptr);

    const std::string& key() const { return m_key; }
    const exec::TensorSpec& spec() const { return m_spec; }
    Source source() const;
    void setSource(Source source);

    // The tensor to feed, or why there is none (shown under the editor). An optional input left
    // empty is valid and omitted: not fed, the graph computes it (value() holds why).
    bool isValid() const { return m_omitted || m_value.ok(); }
    bool isOmitted() const { return m_omitted; }
    bool isOptional() const { return m_spec.optional; }
    // An optional input without a default: the graph computes it.
    bool isComputed() const { return m_spec.optional && !m_default.valid(); }
    // The input is a placeholder with default value `value` (PlaceholderWithDefault): says so
    // ("has a default: [0.0]") instead of "computed by the graph", and fills the literal with it.
    void setDefault(const Tensor& value);
    const Tensor& defaultValue() const { return m_default; }
    const Result<Tensor>& value() const { return m_value; }
    QString validationText() const;

    // Reads PATH with io::readNpy and selects the .npy source; false (and the error shown) on failure.
    bool loadNpy(const QString& path);
    // Replaces the literal with values of the spec shape (-1 dims from the spin boxes).
    void fill(const QString& element);

    QPlainTextEdit* literalEdit() const { return m_literal; }
    ExampleEditor* exampleEditor() const { return m_examples; }
    const std::vector<QSpinBox*>& dimSpins() const { return m_dims; }

    QVariantMap state() const;
    void restoreState(const QVariantMap& state);

signals:
    void validityChanged();

private:
    static QString omittedText();
    void validate();
    void chooseNpy();

    std::string m_key;
    exec::TensorSpec m_spec;
    Tensor m_default;
    QLabel* m_title = nullptr;
    QComboBox* m_sourceBox;
    QPlainTextEdit* m_literal;
    QLabel* m_npyLabel;
    ExampleEditor* m_examples = nullptr;
    std::vector<QSpinBox*> m_dims;
    std::vector<int> m_dimIndex;  // spec dim of each spin box
    QLabel* m_message;
    QString m_npyPath;
    Result<Tensor> m_npy = Status::invalidArgument("Choose a .npy file.");
    Result<Tensor> m_value = Status::invalidArgument("Enter a value.");
    QString m_warning;
    bool m_omitted = false;
};

}  // namespace tfscope
