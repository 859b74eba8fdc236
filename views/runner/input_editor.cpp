#include "views/runner/input_editor.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <functional>

#include "model/format/tensor_json.h"
#include "model/io/literal.h"
#include "model/io/npy.h"
#include "views/runner/example_editor.h"
#include "views/util/dialog_folder.h"

namespace tfscope {
namespace {
constexpr int64_t kMaxFillElements = 100000;
constexpr int64_t kMaxPrefillElements = 1024;  // e.g. a 28×28 image

QString specText(const exec::TensorSpec& spec) {
    QString dtype = spec.dtype == DType::Invalid ? QObject::tr("dtype unknown") : QString::fromLatin1(dtypeShortName(spec.dtype));
    QString shape = spec.unknownRank ? QObject::tr("shape unknown") : QString::fromStdString(shapeToString(spec.shape));
    return dtype + QLatin1Char(' ') + shape;
}

QString tensorText(const Tensor& t) {
    return QString::fromLatin1(dtypeShortName(t.dtype())) + QLatin1Char(' ') + QString::fromStdString(shapeToString(t.shape()));
}

// Whether a value of `shape` can feed `spec` (-1 matches any size).
bool shapeFits(const exec::TensorSpec& spec, const Shape& shape) {
    if (spec.unknownRank) return true;
    if (spec.shape.size() != shape.size()) return false;
    for (size_t i = 0; i < shape.size(); ++i)
        if (spec.shape[i] >= 0 && spec.shape[i] != shape[i]) return false;
    return true;
}

}  // namespace

InputEditor::InputEditor(const std::string& key, const exec::TensorSpec& spec, std::vector<io::ExampleFeature> features,
                         QWidget* parent)
    : QWidget(parent), m_key(key), m_spec(spec) {
    const bool examples = !features.empty();
    QString titleText = QStringLiteral("<b>%1</b> &nbsp; %2 &nbsp; <span style=\"color:gray\">%3</span>")
                            .arg(QString::fromStdString(key).toHtmlEscaped(), specText(spec).toHtmlEscaped(),
                                 QString::fromStdString(spec.tensorName).toHtmlEscaped());
    if (spec.optional) titleText += QStringLiteral(" &nbsp; <i>%1</i>").arg(tr("(optional: computed by the graph)").toHtmlEscaped());
    auto* title = m_title = new QLabel(titleText, this);
    title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_sourceBox = new QComboBox(this);
    m_sourceBox->addItem(tr("Literal"), int(Source::Literal));
    m_sourceBox->addItem(tr(".npy file"), int(Source::Npy));
    if (examples) m_sourceBox->addItem(tr("tf.Example"), int(Source::Examples));
    auto* load = new QPushButton(tr("Load .npy…"), this);
    connect(load, &QPushButton::clicked, this, &InputEditor::chooseNpy);
    title->setWordWrap(true);
    auto* sourceRow = new QHBoxLayout;
    sourceRow->addWidget(m_sourceBox);
    sourceRow->addWidget(load);
    sourceRow->addStretch(1);

    auto* dims = new QHBoxLayout;
    if (!spec.unknownRank) {
        for (size_t i = 0; i < spec.shape.size(); ++i) {
            if (spec.shape[i] >= 0) continue;
            auto* spin = new QSpinBox(this);
            spin->setRange(0, 1 << 20);
            spin->setValue(1);
            spin->setPrefix(tr("d%1 = ").arg(i));
            spin->setToolTip(tr("Size of free dimension %1 for Fill").arg(i));
            m_dims.push_back(spin);
            m_dimIndex.push_back(int(i));
            dims->addWidget(spin);
        }
        auto* zeros = new QPushButton(tr("Fill zeros"), this);
        auto* ones = new QPushButton(tr("Fill ones"), this);
        connect(zeros, &QPushButton::clicked, this, [this] { fill(QStringLiteral("0")); });
        connect(ones, &QPushButton::clicked, this, [this] { fill(QStringLiteral("1")); });
        dims->addWidget(zeros);
        dims->addWidget(ones);
    }
    dims->addStretch(1);

    m_literal = new QPlainTextEdit(this);
    m_literal->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_literal->setPlaceholderText(spec.optional ? tr("Empty: the graph computes it; or a literal to feed instead")
                                                : tr("A literal, e.g. [[1.0, 2.0], [3.0, 4.0]]"));
    if (spec.optional) {
        const QString tip = tr("Optional: the graph computes this input. Leave it empty to let the graph compute it, "
                               "or give a value to feed instead.");
        title->setToolTip(tip);
        m_literal->setToolTip(tip);
    }
    m_literal->setFixedHeight(m_literal->fontMetrics().lineSpacing() * 3 + 12);
    m_literal->setTabChangesFocus(true);
    m_npyLabel = new QLabel(tr("No file loaded."), this);
    m_npyLabel->setWordWrap(true);
    if (examples) {
        m_examples = new ExampleEditor(std::move(features), this);
        connect(m_examples, &ExampleEditor::changed, this, &InputEditor::validate);
    }
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 4);
    layout->addWidget(title);
    layout->addLayout(sourceRow);
    layout->addLayout(dims);
    // One of these shows, by source (a QStackedWidget would size to the tallest).
    layout->addWidget(m_literal);
    layout->addWidget(m_npyLabel);
    if (m_examples) layout->addWidget(m_examples);
    layout->addWidget(m_message);
    m_npyLabel->hide();
    if (m_examples) m_examples->hide();

    connect(m_literal, &QPlainTextEdit::textChanged, this, &InputEditor::validate);
    connect(m_sourceBox, &QComboBox::currentIndexChanged, this, [this] {
        const Source src = source();
        m_literal->setVisible(src == Source::Literal);
        m_npyLabel->setVisible(src == Source::Npy);
        if (m_examples) m_examples->setVisible(src == Source::Examples);
        validate();
    });
    if (examples) setSource(Source::Examples);
    // Every required input starts the same way: zeros ('' for strings, False for bools) of its shape
    // with free dims 1, so the form shows the nesting and Run works at once. An optional one starts
    // empty (zeros would replace what the graph computes); one too large for a readable literal, or
    // of unknown rank, starts empty with a placeholder that says why and what to do.
    if (!examples && !spec.optional) {
        Shape shape = spec.shape;
        for (int64_t& d : shape) d = std::max<int64_t>(d, 1);
        const int64_t n = spec.unknownRank ? -1 : shapeNumElements(shape);
        const bool fillable = isPod(spec.dtype) || spec.dtype == DType::String;
        if (spec.unknownRank)
            m_literal->setPlaceholderText(tr("Unknown shape: type a literal, e.g. [[1.0, 2.0]], or load a .npy file"));
        else if (fillable && n <= kMaxPrefillElements) fill(QStringLiteral("0"));
        else if (fillable)
            m_literal->setPlaceholderText(tr("%1 = %2 elements, too many to start with: press Fill zeros, type a literal or load a .npy file")
                                              .arg(QString::fromStdString(shapeToString(shape)))
                                              .arg(n));
    }
    validate();
}

InputEditor::Source InputEditor::source() const { return Source(m_sourceBox->currentData().toInt()); }

void InputEditor::setSource(Source source) {
    const int i = m_sourceBox->findData(int(source));
    if (i >= 0) m_sourceBox->setCurrentIndex(i);
}

QString InputEditor::validationText() const {
    if (m_omitted) return omittedText();
    return m_value.ok() ? m_warning : QString::fromStdString(m_value.status().message());
}

QString InputEditor::omittedText() { return tr("Empty: left out of the run; the graph computes it."); }

void InputEditor::validate() {
    m_warning.clear();
    m_omitted = false;
    switch (source()) {
    case Source::Literal: {
        const std::string text = m_literal->toPlainText().trimmed().toStdString();
        if (text.empty()) {
            m_omitted = m_spec.optional;
            m_value = m_omitted ? Status::notFound("No value for '" + m_key + "'; the graph computes it.")
                                : Status::invalidArgument("Enter a value for '" + m_key + "'.");
            break;
        }
        auto lit = io::parseLiteral(text);
        m_value = lit.ok() ? io::literalToTensor(lit.value(), m_spec.dtype) : Result<Tensor>(lit.status());
        break;
    }
    case Source::Npy:
        m_omitted = m_spec.optional && m_npyPath.isEmpty();  // no file chosen
        m_value = m_npy;
        break;
    case Source::Examples: m_value = m_examples->value(); break;
    }
    if (m_omitted) {
        m_message->setStyleSheet(QStringLiteral("color: gray"));
        m_message->setText(omittedText());
    } else if (m_value.ok()) {
        const Tensor& t = m_value.value();
        QString text = tr("✓ %1").arg(tensorText(t));
        if (!shapeFits(m_spec, t.shape())) {
            m_warning = tr("The shape %1 does not match the signature's %2.")
                            .arg(QString::fromStdString(shapeToString(t.shape())), QString::fromStdString(shapeToString(m_spec.shape)));
            text += QStringLiteral(" — ") + m_warning;
        } else if (!m_spec.unknownRank) {
            for (size_t k = 0; k < m_dims.size(); ++k) {
                const QSignalBlocker block(m_dims[k]);
                m_dims[k]->setValue(int(t.shape()[size_t(m_dimIndex[k])]));
            }
        }
        m_message->setStyleSheet(m_warning.isEmpty() ? QStringLiteral("color: #2e7d32") : QStringLiteral("color: #b26a00"));
        m_message->setText(text);
    } else {
        m_message->setStyleSheet(QStringLiteral("color: #c62828"));
        m_message->setText(QString::fromStdString(m_value.status().message()));
    }
    emit validityChanged();
}

void InputEditor::chooseNpy() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load %1 from .npy").arg(QString::fromStdString(m_key)),
                                                      dialogStart(QStringLiteral("npy")), tr("NumPy arrays (*.npy);;All files (*)"));
    if (path.isEmpty()) return;
    rememberDialogChoice(QStringLiteral("npy"), path);
    loadNpy(path);
}

bool InputEditor::loadNpy(const QString& path) {
    m_npyPath = path;
    m_npy = io::readNpy(path.toStdString());
    m_npyLabel->setText(m_npy.ok() ? tr("%1 — %2").arg(QFileInfo(path).fileName(), tensorText(m_npy.value())) : path);
    m_npyLabel->setToolTip(path);
    if (source() == Source::Npy) validate();
    else setSource(Source::Npy);
    return m_npy.ok();
}

void InputEditor::fill(const QString& element) {
    if (m_spec.unknownRank) return;
    Shape shape = m_spec.shape;
    for (size_t k = 0; k < m_dims.size(); ++k) shape[size_t(m_dimIndex[k])] = m_dims[k]->value();
    const int64_t n = shapeNumElements(shape);
    if (n < 0 || n > kMaxFillElements) {
        m_message->setStyleSheet(QStringLiteral("color: #c62828"));
        m_message->setText(tr("%1 elements are too many for a literal; load a .npy file instead.").arg(n));
        return;
    }
    QString item = element;
    if (m_spec.dtype == DType::Bool) item = element == QLatin1String("0") ? QStringLiteral("False") : QStringLiteral("True");
    else if (m_spec.dtype == DType::String) item = element == QLatin1String("0") ? QStringLiteral("''") : QStringLiteral("'%1'").arg(element);
    else if (isFloating(m_spec.dtype)) item += QStringLiteral(".0");
    QString text;
    std::function<void(size_t)> rec = [&](size_t dim) {
        if (dim == shape.size()) {
            text += item;
            return;
        }
        text += QLatin1Char('[');
        for (int64_t i = 0; i < shape[dim]; ++i) {
            if (i) text += QStringLiteral(", ");
            rec(dim + 1);
        }
        text += QLatin1Char(']');
    };
    rec(0);
    setSource(Source::Literal);
    m_literal->setPlainText(text);
}

QVariantMap InputEditor::state() const {
    QVariantMap s;
    s.insert(QStringLiteral("source"), int(source()));
    s.insert(QStringLiteral("literal"), m_literal->toPlainText());
    if (!m_npyPath.isEmpty()) s.insert(QStringLiteral("npy"), m_npyPath);
    if (m_examples) s.insert(QStringLiteral("examples"), m_examples->state());
    return s;
}

void InputEditor::restoreState(const QVariantMap& s) {
    if (s.isEmpty()) return;
    m_literal->setPlainText(s.value(QStringLiteral("literal")).toString());
    if (m_examples) m_examples->restoreState(s.value(QStringLiteral("examples")).toMap());
    const QString npy = s.value(QStringLiteral("npy")).toString();
    if (!npy.isEmpty()) {
        m_npyPath = npy;
        m_npy = io::readNpy(npy.toStdString());
        m_npyLabel->setText(m_npy.ok() ? tr("%1 — %2").arg(QFileInfo(npy).fileName(), tensorText(m_npy.value())) : npy);
    }
    Source wanted = Source(s.value(QStringLiteral("source"), int(source())).toInt());
    if (wanted == Source::Npy && !m_npy.ok()) wanted = Source::Literal;  // the remembered file is gone
    setSource(wanted);
    validate();
}

void InputEditor::setDefault(const Tensor& value) {
    m_default = value;
    const QString text = QString::fromStdString(tensorValueToJson(value).dump());
    QString titleText = m_title->text();
    const qsizetype computed = titleText.indexOf(QStringLiteral(" &nbsp; <i>"));
    if (computed >= 0) titleText.truncate(computed);
    m_title->setText(titleText + QStringLiteral(" &nbsp; <i>%1</i>").arg(tr("has a default: %1").arg(text).toHtmlEscaped()));
    const QString tip = tr("A placeholder with a default value (%1): leave it empty or as is to use the default.").arg(text);
    m_title->setToolTip(tip);
    m_literal->setToolTip(tip);
    m_literal->setPlaceholderText(tr("Empty: the default %1").arg(text));
    if (value.numElements() <= kMaxPrefillElements) m_literal->setPlainText(text);
}

}  // namespace tfscope
