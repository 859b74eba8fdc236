#include "views/runner/example_editor.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "model/io/example_builder.h"
#include "model/io/literal.h"

namespace tfscope {
namespace {
constexpr int kFirstExampleColumn = 2;
const QString kExamplesKey = QStringLiteral("__examples");

QString typeText(const io::ExampleFeature& f) {
    QString dtype = QString::fromLatin1(dtypeShortName(f.dtype));
    switch (f.kind) {
    case io::ExampleFeature::Kind::Sparse: return dtype + QStringLiteral(" sparse");
    case io::ExampleFeature::Kind::Ragged: return dtype + QStringLiteral(" ragged");
    case io::ExampleFeature::Kind::Dense: break;
    }
    return dtype + QLatin1Char(' ') + QString::fromStdString(shapeToString(f.shape)) +
           (f.hasDefault ? QObject::tr(" (optional)") : QString());
}

// One cell's literal, coerced to the feature's value kind. Numbers become floats for float
// features; a string feature takes bare text as one value.
Result<io::Literal> cellValues(const io::ExampleFeature& f, const QString& text) {
    const std::string raw = text.trimmed().toStdString();
    auto parsed = io::parseLiteral(raw);
    io::Literal list;
    list.kind = io::Literal::Kind::List;
    if (parsed.ok() && parsed.value().kind == io::Literal::Kind::List) list.items = parsed.value().items;
    else if (parsed.ok()) list.items.push_back(parsed.value());
    bool strings = parsed.ok();
    for (const io::Literal& v : list.items) strings = strings && v.kind == io::Literal::Kind::String;
    if (f.dtype == DType::String) {
        if (strings) return list;
        io::Literal s;
        s.kind = io::Literal::Kind::String;
        s.s = raw;
        list.items.assign(1, s);
        return list;
    }
    if (!parsed.ok()) return parsed.status();
    for (io::Literal& v : list.items) {
        const bool number = v.kind == io::Literal::Kind::Int || v.kind == io::Literal::Kind::Float || v.kind == io::Literal::Kind::Bool;
        if (!number) return Status::invalidArgument("Feature '" + f.key + "' takes " + std::string(dtypeShortName(f.dtype)) + " values.");
        if (f.dtype == DType::Float && v.kind != io::Literal::Kind::Float) {
            v.f = v.kind == io::Literal::Kind::Int ? double(v.i) : double(v.b);
            v.kind = io::Literal::Kind::Float;
        } else if (f.dtype == DType::Int64 && v.kind == io::Literal::Kind::Float) {
            return Status::invalidArgument("Feature '" + f.key + "' takes int64 values, not '" + raw + "'.");
        }
    }
    return list;
}

}  // namespace

ExampleEditor::ExampleEditor(std::vector<io::ExampleFeature> features, QWidget* parent)
    : QWidget(parent), m_features(std::move(features)) {
    m_table = new QTableWidget(int(m_features.size()), kFirstExampleColumn, this);
    m_table->setHorizontalHeaderLabels({tr("Feature"), tr("Type")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    for (int r = 0; r < int(m_features.size()); ++r) {
        const auto& f = m_features[size_t(r)];
        auto* key = new QTableWidgetItem(QString::fromStdString(f.key));
        auto* type = new QTableWidgetItem(typeText(f));
        for (auto* item : {key, type}) item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        m_table->setItem(r, 0, key);
        m_table->setItem(r, 1, type);
    }
    m_table->resizeColumnsToContents();
    m_table->setMaximumHeight(m_table->horizontalHeader()->sizeHint().height() + 8 +
                              std::min<int>(6, std::max<int>(1, int(m_features.size()))) * m_table->verticalHeader()->defaultSectionSize());
    auto* add = new QPushButton(tr("Add example"), this);
    m_remove = new QPushButton(tr("Remove example"), this);
    connect(add, &QPushButton::clicked, this, &ExampleEditor::addExample);
    connect(m_remove, &QPushButton::clicked, this, &ExampleEditor::removeExample);
    connect(m_table, &QTableWidget::itemChanged, this, &ExampleEditor::changed);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
    layout->addLayout(buttons);
    setExampleCount(1);
}

int ExampleEditor::exampleCount() const { return m_table->columnCount() - kFirstExampleColumn; }

void ExampleEditor::setExampleCount(int n) {
    n = std::max(1, n);
    const int old = exampleCount();
    m_table->setColumnCount(kFirstExampleColumn + n);
    for (int c = old; c < n; ++c) {
        m_table->setHorizontalHeaderItem(kFirstExampleColumn + c, new QTableWidgetItem(tr("Example %1").arg(c + 1)));
        for (int r = 0; r < m_table->rowCount(); ++r) m_table->setItem(r, kFirstExampleColumn + c, new QTableWidgetItem);
    }
    m_remove->setEnabled(n > 1);
    if (n != old) emit changed();
}

void ExampleEditor::addExample() { setExampleCount(exampleCount() + 1); }
void ExampleEditor::removeExample() { setExampleCount(exampleCount() - 1); }

void ExampleEditor::setCell(int feature, int example, const QString& text) {
    if (example >= exampleCount()) setExampleCount(example + 1);
    if (QTableWidgetItem* item = m_table->item(feature, kFirstExampleColumn + example)) item->setText(text);
}

QString ExampleEditor::cell(int feature, int example) const {
    const QTableWidgetItem* item = m_table->item(feature, kFirstExampleColumn + example);
    return item ? item->text() : QString();
}

Result<Tensor> ExampleEditor::value() const {
    io::Literal batch;
    batch.kind = io::Literal::Kind::List;
    for (int e = 0; e < exampleCount(); ++e) {
        io::Literal example;
        example.kind = io::Literal::Kind::Dict;
        for (int r = 0; r < int(m_features.size()); ++r) {
            const io::ExampleFeature& f = m_features[size_t(r)];
            const QString text = cell(r, e);
            if (text.trimmed().isEmpty()) {
                if (f.kind == io::ExampleFeature::Kind::Dense && !f.hasDefault)
                    return Status::invalidArgument("Example " + std::to_string(e + 1) + " needs feature '" + f.key + "'.");
                continue;
            }
            auto values = cellValues(f, text);
            if (!values.ok())
                return Status::invalidArgument("Example " + std::to_string(e + 1) + ", feature '" + f.key + "': " + values.status().message());
            example.fields.push_back({f.key, std::move(values).value()});
        }
        batch.items.push_back(std::move(example));
    }
    return io::examplesFromLiteral(batch);
}

QVariantMap ExampleEditor::state() const {
    QVariantMap out;
    out.insert(kExamplesKey, exampleCount());
    for (int r = 0; r < int(m_features.size()); ++r) {
        QStringList cells;
        for (int e = 0; e < exampleCount(); ++e) cells << cell(r, e);
        out.insert(QString::fromStdString(m_features[size_t(r)].key), cells);
    }
    return out;
}

void ExampleEditor::restoreState(const QVariantMap& state) {
    if (!state.contains(kExamplesKey)) return;
    const QSignalBlocker block(m_table);
    setExampleCount(state.value(kExamplesKey).toInt());
    for (int r = 0; r < int(m_features.size()); ++r) {
        const QStringList cells = state.value(QString::fromStdString(m_features[size_t(r)].key)).toStringList();
        for (int e = 0; e < exampleCount(); ++e) setCell(r, e, e < cells.size() ? cells[e] : QString());
    }
    emit changed();
}

}  // namespace tfscope
