#include "views/runner/runner_panel.h"

#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>

#include "views/runner/run_memory.h"
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "model/exec/model_session.h"
#include "model/exec/session.h"
#include "model/graph/graph_index.h"
#include "model/io/npy.h"
#include "model/loader/model.h"
#include "views/runner/input_editor.h"

namespace tfscope {

// An opened Session for one meta graph and what the form needs of each signature.
struct RunnerSession {
    struct Signature {
        Status status;  // signatureInputs / exampleFeatures errors
        std::map<std::string, exec::TensorSpec> inputs;
        std::map<std::string, std::vector<io::ExampleFeature>> features;  // DT_STRING inputs feeding ParseExample
    };
    std::shared_ptr<const Model> model;
    int metaGraph = -1;
    std::shared_ptr<exec::Session> session;
    std::map<std::string, Signature> signatures;
};

namespace {
const QString kSettingsGroup = QStringLiteral("runnerInputs");
const char kInitSignature[] = "__saved_model_init_op";

Result<RunnerSession> openRunnerSession(std::shared_ptr<const Model> model, int metaGraph) {
    RunnerSession out;
    out.model = model;
    out.metaGraph = metaGraph;
    const std::vector<std::string>& tags = model->summary().metaGraphs[size_t(metaGraph)].tags;
    exec::SessionOptions options;
    options.memoryLimitBytes = runnerMemoryLimit();  // views/runner/run_memory.h
    TFS_ASSIGN_OR_RETURN(std::unique_ptr<exec::Session> session, exec::openModelSession(model, tags, options));
    out.session = std::move(session);
    auto graph = model->graphIndex(metaGraph);
    for (const std::string& key : out.session->signatureKeys()) {
        RunnerSession::Signature& sig = out.signatures[key];
        auto inputs = out.session->signatureInputs(key);
        if (!inputs.ok()) {
            sig.status = inputs.status();
            continue;
        }
        sig.inputs = std::move(inputs).value();
        for (const auto& [k, spec] : sig.inputs) {
            if (spec.dtype != DType::String || !graph) continue;
            auto features = io::exampleFeatures(*graph, spec.tensorName);
            if (features.ok() && !features.value().empty()) sig.features[k] = std::move(features).value();
        }
    }
    return out;
}

QString valuesPreview(const Tensor& t) {
    constexpr int64_t kShown = 6;
    QStringList items;
    for (int64_t i = 0; i < std::min(kShown, t.numElements()); ++i) {
        if (t.dtype() == DType::String) items << QString::fromUtf8(t.strings()[size_t(i)]).left(40);
        else if (t.dtype() == DType::Bool) items << (t.data<bool>()[i] ? QStringLiteral("True") : QStringLiteral("False"));
        else items << QString::number(t.elementAsDouble(i), 'g', 7);
    }
    QString text = items.join(QStringLiteral(", "));
    if (t.numElements() > kShown) text += QStringLiteral(", …");
    return text;
}

QString seconds(qint64 ms) { return ms < 1000 ? QObject::tr("%1 ms").arg(ms) : QObject::tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1); }

}  // namespace

RunnerPanel::RunnerPanel(QWidget* parent) : QWidget(parent) {
    m_signatureBox = new QComboBox(this);
    m_signatureBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Signature:"), this));
    top->addWidget(m_signatureBox, 1);

    m_form = new QWidget;
    m_formLayout = new QVBoxLayout(m_form);
    m_formLayout->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_form);

    m_run = new QPushButton(tr("Run"), this);
    m_run->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->hide();
    m_status = new QLabel(this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_busy);
    buttons->addWidget(m_status, 1);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #c62828"));
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->hide();

    m_outputList = new QTreeWidget(this);
    m_outputList->setHeaderLabels({tr("Output"), tr("DType"), tr("Shape"), tr("Values")});
    m_outputList->setRootIsDecorated(false);
    m_outputList->setToolTip(tr("Double-click an output to open it in the tensor viewer"));
    m_save = new QPushButton(tr("Save outputs as .npy…"), this);
    m_save->setEnabled(false);
    auto* outputsHeader = new QHBoxLayout;
    outputsHeader->addWidget(new QLabel(tr("<b>Outputs</b>"), this), 1);
    outputsHeader->addWidget(m_save);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_title);
    layout->addWidget(scroll, 3);
    layout->addLayout(buttons);
    layout->addWidget(m_errorLabel);
    layout->addLayout(outputsHeader);
    layout->addWidget(m_outputList, 2);

    m_ticker.setInterval(100);
    connect(&m_ticker, &QTimer::timeout, this, &RunnerPanel::tick);
    connect(m_run, &QPushButton::clicked, this, &RunnerPanel::run);
    connect(m_cancel, &QPushButton::clicked, this, &RunnerPanel::cancel);
    connect(&m_opener, &QFutureWatcherBase::finished, this, &RunnerPanel::onSessionOpened);
    connect(&m_runner, &QFutureWatcherBase::finished, this, &RunnerPanel::onRunFinished);
    connect(m_signatureBox, &QComboBox::currentIndexChanged, this, [this] {
        if (m_populating) return;
        const QString spec = m_signatureBox->currentData().toString();
        setSignature(spec.section(QLatin1Char('/'), 0, 0).toInt(), spec.section(QLatin1Char('/'), 1));
    });
    connect(m_outputList, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        auto it = m_outputs.find(item->text(0).toStdString());
        if (it != m_outputs.end()) emit tensorActivated(m_key + QLatin1Char('/') + item->text(0), it->second);
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Save outputs as .npy into"));
        if (dir.isEmpty()) return;
        const QString error = saveOutputs(dir);
        m_status->setText(error.isEmpty() ? tr("Saved %1 output(s) to %2").arg(m_outputs.size()).arg(dir) : QString());
        if (!error.isEmpty()) setError(error);
    });
    setModel(nullptr);
}

RunnerPanel::~RunnerPanel() {
    if (m_runningSession) m_runningSession->session->cancel();
    m_runner.cancel();
    m_runner.waitForFinished();
    m_opener.cancel();
    m_opener.waitForFinished();
}

void RunnerPanel::setModel(std::shared_ptr<const Model> model) {
    if (m_running) {
        if (m_runningSession) m_runningSession->session->cancel();
        m_runner.cancel();
        m_runner.waitForFinished();
        m_running = false;  // its finished signal is now stale
        m_runningSession.reset();
        m_ticker.stop();
        m_busy->hide();
    }
    m_opener.cancel();
    m_model = std::move(model);
    m_session.reset();
    m_sessionGraph = -1;
    m_metaGraph = -1;
    m_key.clear();
    m_outputs.clear();
    m_error.clear();
    m_errorLabel->hide();
    m_outputList->clear();
    m_save->setEnabled(false);
    m_status->clear();
    clearForm();
    m_populating = true;
    m_signatureBox->clear();
    if (m_model) {
        const auto& mgs = m_model->summary().metaGraphs;
        for (size_t mg = 0; mg < mgs.size(); ++mg) {
            QStringList tags;
            for (const auto& t : mgs[mg].tags) tags << QString::fromStdString(t);
            for (const SignatureSummary& s : mgs[mg].signatures) {
                if (s.key == kInitSignature) continue;
                QString label = QString::fromStdString(s.key);
                if (mgs.size() > 1) label += QStringLiteral(" [%1]").arg(tags.join(QLatin1Char(',')));
                m_signatureBox->addItem(label, QString(QString::number(mg) + QLatin1Char('/') + QString::fromStdString(s.key)));
            }
        }
    }
    m_signatureBox->setCurrentIndex(-1);
    m_populating = false;
    m_title->setText(!m_model ? tr("Open a model to run its signatures.")
                     : m_signatureBox->count() ? tr("Choose a signature to run.")
                                               : tr("The model has no signatures to run."));
    updateRunEnabled();
}

bool RunnerPanel::selectSignature(const QString& spec) {
    if (!m_model) return false;
    if (spec.contains(QLatin1Char('/'))) return setSignature(spec.section(QLatin1Char('/'), 0, 0).toInt(), spec.section(QLatin1Char('/'), 1));
    int fallback = -1;
    for (int i = 0; i < m_signatureBox->count(); ++i) {
        const QString item = m_signatureBox->itemData(i).toString();
        const QString key = item.section(QLatin1Char('/'), 1);
        if (key == spec || (spec.isEmpty() && key == QLatin1String("serving_default"))) {
            return setSignature(item.section(QLatin1Char('/'), 0, 0).toInt(), key);
        }
        if (fallback < 0) fallback = i;
    }
    if (!spec.isEmpty() || fallback < 0) return false;
    const QString item = m_signatureBox->itemData(fallback).toString();
    return setSignature(item.section(QLatin1Char('/'), 0, 0).toInt(), item.section(QLatin1Char('/'), 1));
}

bool RunnerPanel::setSignature(int metaGraph, const QString& key) {
    if (!m_model || metaGraph < 0 || metaGraph >= int(m_model->summary().metaGraphs.size())) return false;
    const auto& sigs = m_model->summary().metaGraphs[size_t(metaGraph)].signatures;
    const std::string k = key.toStdString();
    if (std::none_of(sigs.begin(), sigs.end(), [&](const SignatureSummary& s) { return s.key == k; })) return false;
    if (m_running) return false;
    if (metaGraph == m_metaGraph && key == m_key && (m_opening || !m_editors.empty())) return true;
    m_metaGraph = metaGraph;
    m_key = key;
    {
        m_populating = true;
        const int i = m_signatureBox->findData(QString(QString::number(metaGraph) + QLatin1Char('/') + key));
        m_signatureBox->setCurrentIndex(i);
        m_populating = false;
    }
    m_outputs.clear();
    m_outputList->clear();
    m_save->setEnabled(false);
    setError({});
    if (m_session && m_sessionGraph == metaGraph) buildForm();
    else openSession();
    return true;
}

void RunnerPanel::openSession() {
    clearForm();
    m_session.reset();
    m_sessionGraph = m_metaGraph;
    m_title->setText(tr("Opening a session for %1 (restoring variables)…").arg(m_key));
    m_busy->show();
    m_clock.start();
    auto model = m_model;
    const int mg = m_metaGraph;
    m_opening = true;
    m_opener.setFuture(runJob<JobOutcome<RunnerSession>>(
        [model, mg](Progress&) { return JobOutcome<RunnerSession>::from(openRunnerSession(model, mg)); }));
    updateRunEnabled();
}

std::shared_ptr<exec::Session> RunnerPanel::currentSession() const { return m_session ? m_session->session : nullptr; }

void RunnerPanel::onSessionOpened() {
    m_opening = false;
    auto f = m_opener.future();
    if (!m_running) m_busy->hide();
    updateRunEnabled();
    if (f.isCanceled() || f.resultCount() == 0) return;
    JobOutcome<RunnerSession> o = f.result();
    if (o.value && (o.value->model != m_model || o.value->metaGraph != m_sessionGraph)) return;  // stale
    if (!o.status.ok()) {
        m_title->setText(tr("Cannot run signatures of this meta graph."));
        setError(QString::fromStdString(o.status.message()));
        emit formReady();
        return;
    }
    m_session = std::const_pointer_cast<RunnerSession>(o.value);
    m_status->setText(tr("Session opened in %1.").arg(seconds(m_clock.elapsed())));
    buildForm();
}

void RunnerPanel::clearForm() {
    for (InputEditor* e : m_editors) delete e;
    m_editors.clear();
    delete m_optionalToggle;
    m_optionalToggle = nullptr;
    updateRunEnabled();
}

void RunnerPanel::buildForm() {
    clearForm();
    const auto& mg = m_model->summary().metaGraphs[size_t(m_metaGraph)];
    const std::string key = m_key.toStdString();
    QString method;
    for (const SignatureSummary& s : mg.signatures)
        if (s.key == key) method = QString::fromStdString(s.methodName);
    auto it = m_session->signatures.find(key);
    if (it == m_session->signatures.end()) {
        setError(tr("The session has no signature '%1'.").arg(m_key));
        emit formReady();
        return;
    }
    if (!it->second.status.ok()) setError(QString::fromStdString(it->second.status.message()));
    const auto& inputs = it->second.inputs;
    const auto optional = std::count_if(inputs.begin(), inputs.end(), [](const auto& in) { return in.second.optional; });
    QString count = tr("%1 input(s)").arg(inputs.size());
    if (optional) count += tr(", %1 optional (computed by the graph)").arg(optional);
    m_title->setText(tr("<b>%1</b> &nbsp; <span style=\"color:gray\">%2</span> &nbsp; %3")
                         .arg(m_key.toHtmlEscaped(), method.toHtmlEscaped(), count.toHtmlEscaped()));
    // Required inputs first (TFMA's one examples input would be lost among its computed features).
    int row = 0;
    for (const bool optionalPass : {false, true}) {
        if (optionalPass && optional) {
            // TFMA's eval graph has 38 of them: folded away until asked for.
            m_optionalToggle = new QToolButton(m_form);
            m_optionalToggle->setCheckable(true);
            m_optionalToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
            m_optionalToggle->setAutoRaise(true);
            m_optionalToggle->setText(tr("Optional inputs (%1): the graph computes them; give one a value to feed it instead")
                                          .arg(optional));
            m_formLayout->insertWidget(row++, m_optionalToggle);
            connect(m_optionalToggle, &QToolButton::toggled, this, [this](bool shown) {
                m_optionalToggle->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
                for (InputEditor* e : m_editors)
                    if (e->isOptional()) e->setVisible(shown);
            });
        }
        for (const auto& [k, spec] : inputs) {
            if (spec.optional != optionalPass) continue;
            auto f = it->second.features.find(k);
            auto* editor = new InputEditor(k, spec, f == it->second.features.end() ? std::vector<io::ExampleFeature>{} : f->second, m_form);
            m_formLayout->insertWidget(row++, editor);
            m_editors.push_back(editor);
            connect(editor, &InputEditor::validityChanged, this, &RunnerPanel::updateRunEnabled);
        }
    }
    restoreInputs();
    if (m_optionalToggle) {
        const bool given = std::any_of(m_editors.begin(), m_editors.end(), [](InputEditor* e) { return e->isOptional() && !e->isOmitted(); });
        m_optionalToggle->setChecked(given);
        m_optionalToggle->setArrowType(given ? Qt::DownArrow : Qt::RightArrow);
        for (InputEditor* e : m_editors)
            if (e->isOptional()) e->setVisible(given);
    }
    updateRunEnabled();
    emit formReady();
}

InputEditor* RunnerPanel::editor(const QString& key) const {
    for (InputEditor* e : m_editors)
        if (QString::fromStdString(e->key()) == key) return e;
    return nullptr;
}

bool RunnerPanel::canRun() const {
    if (!m_session || m_sessionGraph != m_metaGraph || m_key.isEmpty()) return false;
    auto it = m_session->signatures.find(m_key.toStdString());
    if (it == m_session->signatures.end() || !it->second.status.ok()) return false;
    return std::all_of(m_editors.begin(), m_editors.end(), [](const InputEditor* e) { return e->isValid(); });
}

void RunnerPanel::updateRunEnabled() {
    const bool running = m_running;
    m_run->setEnabled(!running && !m_opening && canRun());
    m_cancel->setEnabled(running || m_opening);
    m_signatureBox->setEnabled(!running);
    QString why;
    for (const InputEditor* e : m_editors)
        if (!e->isValid()) {
            why = tr("Input '%1': %2").arg(QString::fromStdString(e->key()), e->validationText());
            break;
        }
    m_run->setToolTip(why);
}

void RunnerPanel::run() {
    if (!canRun() || m_running) return;
    std::map<std::string, Tensor> inputs;
    for (const InputEditor* e : m_editors)
        if (!e->isOmitted()) inputs[e->key()] = e->value().value();  // an empty optional input: the graph computes it
    saveInputs();
    m_outputs.clear();
    m_outputList->clear();
    m_save->setEnabled(false);
    setError({});
    m_lastMs = -1;
    m_cancelRequested = false;
    m_runningSession = m_session;
    auto session = m_session->session;
    const std::string key = m_key.toStdString();
    m_clock.start();
    m_running = true;
    const exec::RunTicket ticket = session->runTicket();  // a Cancel from now on stops this run
    m_runner.setFuture(runJob<JobOutcome<RunOutputs>>([session, key, inputs, ticket](Progress& progress) {
        if (progress.isCancelled()) return JobOutcome<RunOutputs>{Status::cancelled("The run was cancelled."), nullptr};
        return JobOutcome<RunOutputs>::from(session->runSignature(key, inputs, {}, {}, nullptr, &ticket));
    }));
    m_busy->show();
    m_ticker.start();
    tick();
    updateRunEnabled();
}

void RunnerPanel::cancel() {
    if (m_running) {
        m_cancelRequested = true;
        if (m_runningSession) m_runningSession->session->cancel();
        m_runner.cancel();
        m_status->setText(tr("Cancelling…"));
    } else if (m_opening) {
        m_opener.cancel();
        m_title->setText(tr("Opening the session was cancelled."));
    }
}

void RunnerPanel::tick() {
    if (m_running) m_status->setText(tr("Running… %1").arg(seconds(m_clock.elapsed())));
}

void RunnerPanel::onRunFinished() {
    if (!m_running) return;  // dropped by setModel()
    m_running = false;
    m_ticker.stop();
    m_busy->setVisible(m_opening);
    m_lastMs = m_clock.elapsed();
    m_runningSession.reset();
    auto f = m_runner.future();
    if (m_cancelRequested || f.isCanceled() || f.resultCount() == 0) {
        m_status->setText(tr("Cancelled after %1.").arg(seconds(m_lastMs)));
    } else {
        JobOutcome<RunOutputs> o = f.result();
        if (o.status.code() == Status::Code::Cancelled) {
            m_status->setText(tr("Cancelled after %1.").arg(seconds(m_lastMs)));
        } else if (!o.status.ok()) {
            m_status->setText(tr("Failed after %1.").arg(seconds(m_lastMs)));
            setError(QString::fromStdString(o.status.message()));
        } else {
            m_outputs = *o.value;
            m_status->setText(tr("Done in %1.").arg(seconds(m_lastMs)));
            showOutputs();
        }
    }
    updateRunEnabled();
    emit runFinished();
}

void RunnerPanel::showOutputs() {
    m_outputList->clear();
    for (const auto& [key, t] : m_outputs) {
        auto* item = new QTreeWidgetItem(m_outputList);
        item->setText(0, QString::fromStdString(key));
        item->setText(1, QString::fromLatin1(dtypeShortName(t.dtype())));
        item->setText(2, QString::fromStdString(shapeToString(t.shape())));
        item->setText(3, valuesPreview(t));
    }
    for (int c = 0; c < 3; ++c) m_outputList->resizeColumnToContents(c);
    m_save->setEnabled(!m_outputs.empty());
}

QString RunnerPanel::saveOutputs(const QString& dir) const {
    for (const auto& [key, t] : m_outputs) {
        const std::string path = QDir(dir).filePath(QString::fromStdString(key) + QStringLiteral(".npy")).toStdString();
        Status st = io::writeNpy(path, t);
        if (!st.ok()) return QString::fromStdString(st.message());
    }
    return {};
}

QString RunnerPanel::statusText() const { return m_status->text(); }

void RunnerPanel::setError(const QString& message) {
    m_error = message;
    m_errorLabel->setText(message);
    m_errorLabel->setVisible(!message.isEmpty());
}

QString RunnerPanel::settingsKey() const {
    if (!m_model) return {};
    const QByteArray id = QString::fromStdString(m_model->rootPath()).toUtf8() + '\n' + QByteArray::number(m_metaGraph) + '/' + m_key.toUtf8();
    return kSettingsGroup + QLatin1Char('/') + QString::fromLatin1(QCryptographicHash::hash(id, QCryptographicHash::Sha1).toHex());
}

void RunnerPanel::saveInputs() const {
    QVariantMap all;
    all.insert(QStringLiteral("__model"), QString::fromStdString(m_model->rootPath()));
    all.insert(QStringLiteral("__signature"), m_key);
    for (const InputEditor* e : m_editors) all.insert(QString::fromStdString(e->key()), e->state());
    QSettings().setValue(settingsKey(), all);
}

void RunnerPanel::restoreInputs() {
    const QVariantMap all = QSettings().value(settingsKey()).toMap();
    if (all.value(QStringLiteral("__model")).toString() != QString::fromStdString(m_model->rootPath())) return;
    for (InputEditor* e : m_editors) e->restoreState(all.value(QString::fromStdString(e->key())).toMap());
}

}  // namespace tfscope
