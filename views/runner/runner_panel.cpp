#include "views/runner/runner_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
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
#include <optional>
#include <set>

#include "graph.pb.h"
#include "meta_graph.pb.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/edit/edit_set.h"
#include "model/exec/fetch_run.h"
#include "model/exec/model_session.h"
#include "model/exec/session.h"
#include "model/exec/session_variables.h"
#include "model/exec/tensor_keeper.h"
#include "model/graph/graph_index.h"
#include "model/io/npy.h"
#include "model/loader/model.h"
#include "views/edit/edit_session.h"
#include "views/runner/input_editor.h"
#include "views/util/dialog_folder.h"
#include "views/util/plural.h"

namespace tfscope {

// An opened Session for one meta graph and what the form needs of each signature.
struct RunnerSession {
    struct Signature {
        Status status;  // signatureInputs / exampleFeatures errors
        std::map<std::string, exec::TensorSpec> inputs;
        std::map<std::string, std::vector<io::ExampleFeature>> features;  // DT_STRING inputs feeding ParseExample
        // Inputs that are a PlaceholderWithDefault (TF2's serving_default_x): their default value.
        // They are shown among the required inputs, pre-filled; the other optional inputs are
        // computed by the graph.
        std::map<std::string, Tensor> defaults;
    };
    std::shared_ptr<const Model> model;
    int metaGraph = -1;
    std::shared_ptr<exec::Session> session;
    std::map<std::string, Signature> signatures;
    // Without signatures ("Feeds and fetches"): the Placeholders, the defaults of the
    // PlaceholderWithDefault ones (by tensor name), and the graph's sinks for the fetch list.
    std::vector<exec::TensorSpec> placeholders;
    std::map<std::string, Tensor> placeholderDefaults;
    std::vector<std::string> sinks;
    // Checkpoint keys whose session variable holds an edited value now (changed by run jobs only).
    std::set<std::string> edited;
};

// What a run job hands back.
struct RunnerResult {
    RunOutputs outputs;
    int edited = 0;                  // edited variables the run used
    std::vector<std::string> notes;  // edits it could not use
    std::map<std::string, Tensor> byTensor;  // a signature's dense outputs by tensor name
    // With "Keep intermediate tensors": what was kept, and what did not fit under `cap`.
    bool keptRun = false;
    std::map<std::string, Tensor> kept;
    uint64_t keptBytes = 0, cap = 0, droppedBytes = 0;
    int64_t dropped = 0;
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
    // The value a PlaceholderWithDefault `tensorName` has when not fed (its default input's).
    auto defaultOf = [&](const std::string& tensorName) -> std::optional<Tensor> {
        if (!graph) return std::nullopt;
        const NodeId node = graph->find(GraphIndex::parseTensorName(tensorName).first);
        const auto in = node == kNoNode ? std::span<const InputRef>{} : graph->inputs(node);
        if (node == kNoNode || graph->op(node) != "PlaceholderWithDefault" || in.empty() || in[0].outputIndex < 0) return std::nullopt;
        std::vector<Tensor> value;
        const std::string from = std::string(graph->name(in[0].node)) + ":" + std::to_string(in[0].outputIndex);
        if (out.session->run({}, {from}, {}, &value).ok() && value.size() == 1) return value[0];
        return std::nullopt;
    };
    const auto keys = out.session->signatureKeys();
    if (std::none_of(keys.begin(), keys.end(), [](const std::string& k) { return k != kInitSignature; })) {
        const tensorflow::GraphDef& def = out.session->metaGraph().graph_def();
        out.placeholders = exec::graphPlaceholders(def);
        for (const exec::TensorSpec& p : out.placeholders)
            if (p.optional)
                if (auto d = defaultOf(p.tensorName)) out.placeholderDefaults[p.tensorName] = *d;
        out.sinks = exec::graphSinks(def);
    }
    for (const std::string& key : keys) {
        RunnerSession::Signature& sig = out.signatures[key];
        auto inputs = out.session->signatureInputs(key);
        if (!inputs.ok()) {
            sig.status = inputs.status();
            continue;
        }
        sig.inputs = std::move(inputs).value();
        for (const auto& [k, spec] : sig.inputs) {
            if (spec.optional)
                if (auto d = defaultOf(spec.tensorName)) sig.defaults[k] = *d;
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
    // Long signature keys must not widen the dock (it would squeeze the graph).
    m_signatureBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_signatureBox->setMinimumContentsLength(12);
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
    m_runOriginal = new QPushButton(tr("Run with original values"), this);
    m_runOriginal->setToolTip(tr("Run without the edits (the values in the model's files), for comparison"));
    m_runOriginal->hide();
    m_editsLabel = new QLabel(this);
    m_editsLabel->setWordWrap(true);
    m_editsLabel->hide();
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->hide();
    m_status = new QLabel(this);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
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

    m_keep = new QCheckBox(tr("Keep intermediate tensors"), this);
    m_keep->setToolTip(tr("Keep the value of every tensor the run computes (up to %1), so that selecting a node shows its value "
                          "and Evaluate opens it without running again")
                           .arg(QLocale().formattedDataSize(qint64(keptTensorsLimit()))));
    m_keptLabel = new QLabel(this);
    m_keptLabel->setWordWrap(true);
    m_keptLabel->hide();

    m_outputList = new QTreeWidget(this);
    m_outputList->setHeaderLabels({tr("Output"), tr("DType"), tr("Shape"), tr("Values"), tr("Original values")});
    m_outputList->setColumnHidden(4, true);
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
    // "Run with 1 edited variable: a"  [Run with original values]; own row, so the dock stays narrow.
    auto* editsRow = new QHBoxLayout;
    editsRow->addWidget(m_editsLabel, 1);
    editsRow->addWidget(m_runOriginal, 0, Qt::AlignTop);
    layout->addLayout(editsRow);
    layout->addWidget(m_keep);
    layout->addLayout(buttons);
    layout->addWidget(m_errorLabel);
    layout->addWidget(m_keptLabel);
    layout->addLayout(outputsHeader);
    layout->addWidget(m_outputList, 2);

    m_ticker.setInterval(100);
    connect(&m_ticker, &QTimer::timeout, this, &RunnerPanel::tick);
    connect(m_run, &QPushButton::clicked, this, &RunnerPanel::run);
    connect(m_runOriginal, &QPushButton::clicked, this, &RunnerPanel::runOriginal);
    connect(m_cancel, &QPushButton::clicked, this, &RunnerPanel::cancel);
    connect(&m_opener, &QFutureWatcherBase::finished, this, &RunnerPanel::onSessionOpened);
    connect(&m_runner, &QFutureWatcherBase::finished, this, &RunnerPanel::onRunFinished);
    connect(m_signatureBox, &QComboBox::currentIndexChanged, this, [this] {
        if (m_populating) return;
        const QString spec = m_signatureBox->currentData().toString();
        setSignature(spec.section(QLatin1Char('/'), 0, 0).toInt(), spec.section(QLatin1Char('/'), 1));
    });
    connect(m_outputList, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const RunOutputs& shown = m_outputs.empty() ? m_originalOutputs : m_outputs;
        auto it = shown.find(item->text(0).toStdString());
        if (it != shown.end()) emit tensorActivated(m_fetchMode ? item->text(0) : m_key + QLatin1Char('/') + item->text(0), it->second);
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Save outputs as .npy into"), dialogStart(QStringLiteral("outputs")));
        if (dir.isEmpty()) return;
        rememberDialogChoice(QStringLiteral("outputs"), dir, true);
        const QString error = saveOutputs(dir);
        m_status->setText(error.isEmpty() ? tr("Saved %1 to %2").arg(countText(qint64(m_outputs.size()), tr("%1 output"), tr("%1 outputs")), dir) : QString());
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
    m_originalOutputs.clear();
    m_error.clear();
    m_errorLabel->hide();
    m_outputList->clear();
    m_save->setEnabled(false);
    m_status->clear();
    m_fetchMode = false;
    m_values.clear();
    m_errors.clear();
    m_keptValid = false;
    m_keptText.clear();
    m_keptLabel->hide();
    m_pendingEvaluate.clear();
    clearForm();
    m_populating = true;
    m_signatureBox->clear();
    if (m_model) {
        const auto& mgs = m_model->summary().metaGraphs;
        for (size_t mg = 0; mg < mgs.size(); ++mg) {
            QStringList tags;
            for (const auto& t : mgs[mg].tags) tags << QString::fromStdString(t);
            bool any = false;
            for (const SignatureSummary& s : mgs[mg].signatures) {
                if (s.key == kInitSignature) continue;
                any = true;
                QString label = QString::fromStdString(s.key);
                if (mgs.size() > 1) label += QStringLiteral(" [%1]").arg(tags.join(QLatin1Char(',')));
                m_signatureBox->addItem(label, QString(QString::number(mg) + QLatin1Char('/') + QString::fromStdString(s.key)));
            }
            if (!any) {  // no signature: Placeholders and a fetch list
                QString label = tr("Feeds and fetches");
                if (mgs.size() > 1) label += QStringLiteral(" [%1]").arg(tags.join(QLatin1Char(',')));
                m_signatureBox->addItem(label, QString(QString::number(mg) + QLatin1Char('/')));
            }
        }
    }
    m_signatureBox->setCurrentIndex(-1);
    m_populating = false;
    updateEdits();
    bool onlyFetches = m_signatureBox->count() > 0;
    for (int i = 0; i < m_signatureBox->count(); ++i) onlyFetches = onlyFetches && m_signatureBox->itemData(i).toString().endsWith(QLatin1Char('/'));
    m_title->setText(!m_model                  ? tr("Open a model to run its signatures.")
                     : onlyFetches             ? tr("The graph has no signatures: choose Feeds and fetches to feed its placeholders.")
                     : m_signatureBox->count() ? tr("Choose a signature to run.")
                                               : tr("The model has no signatures to run."));
    updateRunEnabled();
    emit valuesChanged();
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
    const bool fetchMode = key.isEmpty();
    if (fetchMode ? std::any_of(sigs.begin(), sigs.end(), [&](const SignatureSummary& s) { return s.key != kInitSignature; })
                  : std::none_of(sigs.begin(), sigs.end(), [&](const SignatureSummary& s) { return s.key == k; }))
        return false;
    if (m_running) return false;
    if (metaGraph == m_metaGraph && key == m_key && fetchMode == m_fetchMode && (m_opening || !m_editors.empty() || m_fetchBox)) return true;
    m_metaGraph = metaGraph;
    m_key = key;
    m_fetchMode = fetchMode;
    {
        m_populating = true;
        const int i = m_signatureBox->findData(QString(QString::number(metaGraph) + QLatin1Char('/') + key));
        m_signatureBox->setCurrentIndex(i);
        m_populating = false;
    }
    m_outputs.clear();
    m_originalOutputs.clear();
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
    m_title->setText(tr("Opening a session for %1 (restoring variables)…").arg(m_fetchMode ? tr("the graph") : m_key));
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
        runPendingEvaluate();
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
    delete m_fetchBox;
    m_fetchBox = nullptr;
    m_fetchEdit = nullptr;
    m_fetchMessage = nullptr;
    updateRunEnabled();
}

void RunnerPanel::buildForm() {
    if (m_fetchMode) return buildFetchForm();
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
    const auto& defaults = it->second.defaults;
    // Computed by the graph: optional inputs without a default value; those are folded away.
    auto computed = [&](const std::string& k, const exec::TensorSpec& spec) { return spec.optional && !defaults.count(k); };
    const auto optional = std::count_if(inputs.begin(), inputs.end(), [&](const auto& in) { return computed(in.first, in.second); });
    QString count = countText(qint64(inputs.size()), tr("%1 input"), tr("%1 inputs"));
    if (!defaults.empty()) count += tr(", %1 with a default").arg(defaults.size());
    if (optional) count += tr(", %1 computed by the graph").arg(optional);
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
                    if (e->isComputed()) e->setVisible(shown);
            });
        }
        for (const auto& [k, spec] : inputs) {
            if (computed(k, spec) != optionalPass) continue;
            auto f = it->second.features.find(k);
            auto* editor = new InputEditor(k, spec, f == it->second.features.end() ? std::vector<io::ExampleFeature>{} : f->second, m_form);
            auto d = defaults.find(k);
            if (d != defaults.end()) editor->setDefault(d->second);
            m_formLayout->insertWidget(row++, editor);
            m_editors.push_back(editor);
            connect(editor, &InputEditor::validityChanged, this, &RunnerPanel::updateRunEnabled);
        }
    }
    restoreInputs();
    if (m_optionalToggle) {
        const bool given = std::any_of(m_editors.begin(), m_editors.end(), [](InputEditor* e) { return e->isComputed() && !e->isOmitted(); });
        m_optionalToggle->setChecked(given);
        m_optionalToggle->setArrowType(given ? Qt::DownArrow : Qt::RightArrow);
        for (InputEditor* e : m_editors)
            if (e->isComputed()) e->setVisible(given);
    }
    updateRunEnabled();
    emit formReady();
    runPendingEvaluate();
}

InputEditor* RunnerPanel::editor(const QString& key) const {
    for (InputEditor* e : m_editors)
        if (QString::fromStdString(e->key()) == key) return e;
    return nullptr;
}

namespace {
// "Feeds and fetches": a placeholder editor left empty is not fed (a run that needs it says so).
bool leftEmpty(const InputEditor* e) {
    return !e->isValid() && e->source() == InputEditor::Source::Literal && e->literalEdit()->toPlainText().trimmed().isEmpty();
}
}  // namespace

bool RunnerPanel::canRun() const {
    if (!m_session || m_sessionGraph != m_metaGraph) return false;
    if (m_fetchMode)
        return m_fetchEdit && fetches().ok() &&
               std::all_of(m_editors.begin(), m_editors.end(), [](const InputEditor* e) { return e->isValid() || leftEmpty(e); });
    if (m_key.isEmpty()) return false;
    auto it = m_session->signatures.find(m_key.toStdString());
    if (it == m_session->signatures.end() || !it->second.status.ok()) return false;
    return std::all_of(m_editors.begin(), m_editors.end(), [](const InputEditor* e) { return e->isValid(); });
}

void RunnerPanel::updateRunEnabled() {
    const bool running = m_running;
    m_run->setEnabled(!running && !m_opening && canRun());
    m_runOriginal->setEnabled(m_run->isEnabled());
    m_cancel->setEnabled(running || m_opening);
    m_signatureBox->setEnabled(!running);
    QString why;
    for (const InputEditor* e : m_editors)
        if (!e->isValid() && !(m_fetchMode && leftEmpty(e))) {
            why = tr("Input '%1': %2").arg(QString::fromStdString(e->key()), e->validationText());
            break;
        }
    if (why.isEmpty() && m_fetchMode && m_fetchEdit)
        if (auto f = fetches(); !f.ok()) why = QString::fromStdString(f.status().message());
    m_run->setToolTip(why);
}

void RunnerPanel::setEditSession(EditSession* edits) {
    if (m_edits) disconnect(m_edits, nullptr, this, nullptr);
    m_edits = edits;
    if (m_edits) connect(m_edits, &EditSession::changed, this, &RunnerPanel::updateEdits);
    updateEdits();
}

namespace {
// The value edits of `edits` a run of `model` can take (none when the edit session is for another model).
exec::RunEdits currentRunEdits(const EditSession* edits, const std::shared_ptr<const Model>& model) {
    if (!edits || !edits->active() || !model || edits->set().model() != model) return {};
    return exec::runEdits(edits->set());
}
}  // namespace

int RunnerPanel::editedCount() const { return int(currentRunEdits(m_edits, m_model).values.size()); }

void RunnerPanel::updateEdits() {
    const exec::RunEdits edits = currentRunEdits(m_edits, m_model);
    QString text;
    if (!edits.values.empty()) {
        QStringList names;
        for (const EditItem& i : m_edits->set().items())
            if (i.valueEdited() && !i.added()) names << QString::fromStdString(i.name);
        const int shown = 5;
        QString list = names.mid(0, shown).join(QStringLiteral(", "));
        if (names.size() > shown) list += tr(" and %1 more").arg(names.size() - shown);
        text = tr("Run with %1: %2")
                   .arg(countText(qint64(edits.values.size()), tr("%1 edited variable"), tr("%1 edited variables")), list.toHtmlEscaped());
    }
    for (const std::string& s : edits.skipped)
        text += (text.isEmpty() ? QString() : QStringLiteral("<br>")) +
                tr("Not used by runs: %1").arg(QString::fromStdString(s).toHtmlEscaped());
    m_editsLabel->setText(text);
    m_editsLabel->setVisible(!text.isEmpty());
    m_runOriginal->setVisible(!edits.values.empty() || !m_originalOutputs.empty());
}

void RunnerPanel::run() { startRun(false); }

void RunnerPanel::runOriginal() { startRun(true); }

QVariantMap RunnerPanel::inputsState() const {
    QVariantMap all;
    all.insert(QStringLiteral("__signature"), QString(QString::number(m_metaGraph) + QLatin1Char('/') + m_key));
    for (const InputEditor* e : m_editors) all.insert(QString::fromStdString(e->key()), e->state());
    if (m_fetchEdit) all.insert(QStringLiteral("__fetches"), m_fetchEdit->toPlainText());
    return all;
}

void RunnerPanel::startRun(bool original) {
    if (!canRun() || m_running) return;
    std::map<std::string, Tensor> inputs;
    for (const InputEditor* e : m_editors)
        if (!e->isOmitted() && e->isValid()) inputs[e->key()] = e->value().value();  // an empty optional input: the graph computes it
    std::vector<std::string> fetchList;
    if (m_fetchMode) fetchList = fetches().value();
    saveInputs();
    // The session's variables take the current value edits (or, for the original run, none):
    // edited values are written in, variables edited for an earlier run get their file value back.
    std::vector<std::pair<std::string, Tensor>> writes;
    if (!original) writes = currentRunEdits(m_edits, m_model).values;
    std::set<std::string> writing;
    for (const auto& w : writes) writing.insert(w.first);
    std::vector<std::pair<std::string, Tensor>> restores;
    for (const std::string& k : m_session->edited) {
        if (writing.count(k)) continue;
        auto t = m_model->checkpoint() ? m_model->checkpoint()->read(k, /*verifyCrc=*/false) : Result<Tensor>(Status::notFound(k));
        if (t.ok()) restores.emplace_back(k, std::move(t).value());
    }
    m_runningOriginal = original;
    (original ? m_originalOutputs : m_outputs).clear();
    (original ? m_originalInputs : m_outputsInputs) = inputsState();
    m_outputList->clear();
    m_save->setEnabled(false);
    setError({});
    m_lastMs = -1;
    m_cancelRequested = false;
    m_runningSession = m_session;
    auto rs = m_session;
    auto model = m_model;
    const std::string key = m_key.toStdString();
    const bool fetchMode = m_fetchMode;
    const uint64_t keepCap = m_keep->isChecked() ? keptTensorsLimit() : 0;
    m_keptValid = false;
    m_clock.start();
    m_running = true;
    const exec::RunTicket ticket = rs->session->runTicket();  // a Cancel from now on stops this run
    m_runner.setFuture(runJob<JobOutcome<RunnerResult>>([rs, model, key, inputs, writes, restores, ticket, fetchMode, fetchList,
                                                         keepCap](Progress& progress) {
        if (progress.isCancelled()) return JobOutcome<RunnerResult>{Status::cancelled("The run was cancelled."), nullptr};
        RunnerResult result;
        for (const auto& [k, t] : restores)
            if (exec::setSessionVariable(*rs->session, *model, k, t).ok()) rs->edited.erase(k);
        for (const auto& [k, t] : writes) {
            Status s = exec::setSessionVariable(*rs->session, *model, k, t);
            if (!s.ok()) {
                result.notes.push_back(s.message());
                continue;
            }
            rs->edited.insert(k);
            ++result.edited;
        }
        std::optional<exec::TensorKeeper> keeper;
        if (keepCap > 0) keeper.emplace(keepCap);
        exec::TensorKeeper* keep = keeper ? &*keeper : nullptr;
        if (fetchMode) {
            std::vector<std::pair<std::string, Tensor>> feeds(inputs.begin(), inputs.end());
            auto values = exec::runFetches(*rs->session, feeds, fetchList, &ticket, keep);
            if (!values.ok()) return JobOutcome<RunnerResult>{values.status(), nullptr};
            for (size_t i = 0; i < fetchList.size(); ++i) result.outputs[fetchList[i]] = values.value()[i];
        } else {
            auto outputs = rs->session->runSignature(key, inputs, {}, {}, nullptr, &ticket, keep);
            if (!outputs.ok()) return JobOutcome<RunnerResult>{outputs.status(), nullptr};
            result.outputs = std::move(outputs).value();
            // The outputs by tensor name too, for their nodes' Properties.
            if (auto specs = rs->session->signatureOutputs(key); specs.ok())
                for (const auto& [k, spec] : specs.value())
                    if (auto it = result.outputs.find(k); it != result.outputs.end() && !spec.sparse) result.byTensor[spec.tensorName] = it->second;
        }
        if (keeper) {
            result.keptRun = true;
            result.kept = keeper->tensors();
            result.keptBytes = keeper->keptBytes();
            result.cap = keeper->capBytes();
            result.dropped = keeper->droppedCount();
            result.droppedBytes = keeper->droppedBytes();
        }
        return JobOutcome<RunnerResult>::from(Result<RunnerResult>(std::move(result)));
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
        JobOutcome<RunnerResult> o = f.result();
        if (o.status.code() == Status::Code::Cancelled) {
            m_status->setText(tr("Cancelled after %1.").arg(seconds(m_lastMs)));
        } else if (!o.status.ok()) {
            m_status->setText(tr("Failed after %1.").arg(seconds(m_lastMs)));
            setError(QString::fromStdString(o.status.message()));
        } else {
            (m_runningOriginal ? m_originalOutputs : m_outputs) = o.value->outputs;
            QString done = tr("Done in %1").arg(seconds(m_lastMs));
            if (m_runningOriginal) done += tr(", with the original values");
            else if (o.value->edited > 0) done += tr(", with %1").arg(countText(o.value->edited, tr("%1 edited variable"), tr("%1 edited variables")));
            m_status->setText(done + QLatin1Char('.'));
            QStringList notes;
            for (const std::string& n : o.value->notes) notes << QString::fromStdString(n);
            if (!notes.isEmpty()) setError(tr("Edits not used: %1").arg(notes.join(QLatin1Char(' '))));
            if (o.value->keptRun) {
                m_values = o.value->kept;
                m_errors.clear();
                m_keptInputs = m_runningOriginal ? m_originalInputs : m_outputsInputs;
                m_keptValid = true;
                QLocale l;
                m_keptText = tr("Kept %1 (%2).")
                                 .arg(countText(qint64(o.value->kept.size()), tr("%1 tensor"), tr("%1 tensors")),
                                      l.formattedDataSize(qint64(o.value->keptBytes)));
                if (o.value->dropped > 0)
                    m_keptText += QLatin1Char(' ') + tr("%1 (%2) did not fit under the cap of %3 and were not kept.")
                                                         .arg(countText(o.value->dropped, tr("%1 tensor"), tr("%1 tensors")),
                                                              l.formattedDataSize(qint64(o.value->droppedBytes)),
                                                              l.formattedDataSize(qint64(o.value->cap)));
            } else {
                m_keptText.clear();
            }
            if (m_fetchMode)
                for (const auto& [name, t] : o.value->outputs) m_values[name] = t;
            for (const auto& [name, t] : o.value->byTensor) m_values[name] = t;
            m_keptLabel->setText(m_keptText);
            m_keptLabel->setVisible(!m_keptText.isEmpty());
            showOutputs();
            emit valuesChanged();
        }
    }
    updateRunEnabled();
    emit runFinished();
}

void RunnerPanel::showOutputs() {
    m_outputList->clear();
    // Both runs side by side while they had the same inputs; otherwise the newest alone.
    const bool both = !m_outputs.empty() && !m_originalOutputs.empty() && m_outputsInputs == m_originalInputs;
    const bool originalOnly = m_runningOriginal && !both;
    const RunOutputs& main = originalOnly ? m_originalOutputs : m_outputs;
    for (const auto& [key, t] : main) {
        auto* item = new QTreeWidgetItem(m_outputList);
        item->setText(0, QString::fromStdString(key));
        item->setText(1, QString::fromLatin1(dtypeShortName(t.dtype())));
        item->setText(2, QString::fromStdString(shapeToString(t.shape())));
        item->setText(3, valuesPreview(t));
        item->setToolTip(0, QStringLiteral("%1 %2").arg(item->text(1), item->text(2)));
        item->setToolTip(3, item->text(3));
        auto orig = m_originalOutputs.find(key);
        if (both && orig != m_originalOutputs.end()) {
            item->setText(4, valuesPreview(orig->second));
            item->setToolTip(4, item->text(4));
        }
    }
    m_outputList->headerItem()->setText(3, originalOnly ? tr("Original values") : editedCount() > 0 || both ? tr("Edited values")
                                                                                                            : tr("Values"));
    // Side by side, the two value columns share the width (dtype and shape move to the name's
    // tooltip), so "Original values" is never pushed out of a narrow dock.
    m_outputList->setColumnHidden(4, !both);
    m_outputList->setColumnHidden(1, both);
    m_outputList->setColumnHidden(2, both);
    for (int c = 0; c < 4; ++c)
        if (!m_outputList->isColumnHidden(c)) m_outputList->resizeColumnToContents(c);
    if (both) {
        const int rest = m_outputList->viewport()->width() - m_outputList->columnWidth(0);
        m_outputList->setColumnWidth(3, std::max(60, rest / 2));
    }
    m_save->setEnabled(!main.empty());
    updateEdits();
}

QString RunnerPanel::saveOutputs(const QString& dir) const {
    for (const auto& [key, t] : m_outputs) {
        const std::string file = m_fetchMode ? exec::fileSafeTensorName(key) : key;
        const std::string path = QDir(dir).filePath(QString::fromStdString(file) + QStringLiteral(".npy")).toStdString();
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
    if (m_fetchEdit) all.insert(QStringLiteral("__fetches"), m_fetchEdit->toPlainText());
    QSettings().setValue(settingsKey(), all);
}

void RunnerPanel::restoreInputs() {
    const QVariantMap all = QSettings().value(settingsKey()).toMap();
    if (all.value(QStringLiteral("__model")).toString() != QString::fromStdString(m_model->rootPath())) return;
    for (InputEditor* e : m_editors) e->restoreState(all.value(QString::fromStdString(e->key())).toMap());
    if (m_fetchEdit && all.contains(QStringLiteral("__fetches"))) m_fetchEdit->setPlainText(all.value(QStringLiteral("__fetches")).toString());
}

// "Feeds and fetches": one editor per Placeholder (tensor names as keys), then the fetch list.
void RunnerPanel::buildFetchForm() {
    clearForm();
    const auto& placeholders = m_session->placeholders;
    m_title->setText(tr("<b>Feeds and fetches</b> &nbsp; %1; the graph has no signature. Fill the placeholders a fetch needs, "
                        "list the tensors to fetch.")
                         .arg(countText(qint64(placeholders.size()), tr("%1 placeholder"), tr("%1 placeholders")).toHtmlEscaped()));
    int row = 0;
    // Placeholders first, then the PlaceholderWithDefault ones (optional; a Saver's filename).
    std::vector<exec::TensorSpec> ordered = placeholders;
    std::stable_partition(ordered.begin(), ordered.end(), [](const exec::TensorSpec& p) { return !p.optional; });
    for (const exec::TensorSpec& spec : ordered) {
        auto* editor = new InputEditor(spec.tensorName, spec, {}, m_form);
        auto d = m_session->placeholderDefaults.find(spec.tensorName);
        if (d != m_session->placeholderDefaults.end()) editor->setDefault(d->second);
        m_formLayout->insertWidget(row++, editor);
        m_editors.push_back(editor);
        connect(editor, &InputEditor::validityChanged, this, &RunnerPanel::updateRunEnabled);
    }
    m_fetchBox = new QWidget(m_form);
    auto* box = new QVBoxLayout(m_fetchBox);
    box->setContentsMargins(0, 6, 0, 0);
    auto* fetchTitle = new QLabel(tr("<b>Fetch</b> (one tensor name a line, <tt>node</tt> or <tt>node:index</tt>):"), m_fetchBox);
    fetchTitle->setWordWrap(true);
    box->addWidget(fetchTitle);
    m_fetchEdit = new QPlainTextEdit(m_fetchBox);
    m_fetchEdit->setObjectName(QStringLiteral("fetchList"));
    m_fetchEdit->setMaximumHeight(90);
    QStringList sinks;
    for (const std::string& t : m_session->sinks) sinks << QString::fromStdString(t);
    m_fetchEdit->setPlainText(sinks.join(QLatin1Char('\n')));
    m_fetchMessage = new QLabel(m_fetchBox);
    m_fetchMessage->setWordWrap(true);
    m_fetchMessage->setStyleSheet(QStringLiteral("color: #c62828"));
    box->addWidget(m_fetchEdit);
    box->addWidget(m_fetchMessage);
    m_formLayout->insertWidget(row++, m_fetchBox);
    connect(m_fetchEdit, &QPlainTextEdit::textChanged, this, [this] {
        auto f = fetches();
        m_fetchMessage->setText(f.ok() ? QString() : QString::fromStdString(f.status().message()));
        updateRunEnabled();
    });
    restoreInputs();
    emit m_fetchEdit->textChanged();
    updateRunEnabled();
    emit formReady();
    runPendingEvaluate();
}

Result<std::vector<std::string>> RunnerPanel::fetches() const {
    if (!m_fetchEdit || !m_session) return Status::invalidArgument("No fetch list.");
    std::vector<std::string> out;
    const tensorflow::GraphDef& graph = m_session->session->metaGraph().graph_def();
    for (const QString& line : m_fetchEdit->toPlainText().split(QLatin1Char('\n'))) {
        const QString name = line.trimmed();
        if (name.isEmpty()) continue;
        TFS_ASSIGN_OR_RETURN(std::string canonical, exec::canonicalTensorName(name.toStdString()));
        TFS_RETURN_IF_ERROR(exec::graphTensorSpec(graph, canonical).status());
        out.push_back(canonical);
    }
    if (out.empty()) return Status::invalidArgument("List at least one tensor to fetch.");
    return out;
}

void RunnerPanel::rememberValues(const std::vector<std::pair<std::string, Tensor>>& values) {
    for (const auto& [name, t] : values) m_values[name] = t;
}

std::vector<std::pair<std::string, Tensor>> RunnerPanel::lastValues(const QString& node) const {
    std::vector<std::pair<std::string, Tensor>> out;
    const std::string prefix = node.toStdString() + ":";
    for (auto it = m_values.lower_bound(prefix); it != m_values.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        const std::string_view index = std::string_view(it->first).substr(prefix.size());
        if (!index.empty() && std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; })) out.push_back(*it);
    }
    std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
        return std::stoi(a.first.substr(prefix.size())) < std::stoi(b.first.substr(prefix.size()));
    });
    return out;
}

QString RunnerPanel::lastError(const QString& node) const {
    auto it = m_errors.find(node);
    return it == m_errors.end() ? QString() : it->second;
}

QString RunnerPanel::keptText() const { return m_keptText; }

}  // namespace tfscope
