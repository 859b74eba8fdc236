// RunnerPanel (Signature > Run): the form generated from a SignatureDef, literal validation, the
// background run and its outputs, executor errors shown in the panel, tf.Example rows from the
// graph's ParseExample keys, cancel, .npy output, remembered inputs, optional inputs the graph
// computes (TFMA), and the main-window dock.
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTest>
#include <QTreeWidget>

#include <algorithm>
#include <cmath>
#include <map>

#include "model/exec/model_session.h"
#include "model/io/literal.h"
#include "model/io/npy.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "shared_models.h"
#include "temp_settings.h"
#include "views/runner/example_editor.h"
#include "views/runner/input_editor.h"
#include "views/runner/runner_panel.h"
#include "views/tensor/tensor_table_model.h"
#include "views/tensor/tensor_viewer.h"
#include "views/window/main_window.h"

using namespace tfscope;
using namespace Qt::StringLiterals;

namespace {
const QString kHalfPlusTwo = QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123");
// TFMA's EvalSavedModel: signature `eval` (tag `eval`) takes serialized examples; its 38 other
// inputs (features, labels, input_refs, tfma/version) are computed from them inside the graph.
const QString kTfma = QStringLiteral(TFSCOPE_SHARED_MODELS "/tfx_trainer_current_Format-TFMA/1646034758");

std::shared_ptr<const Model> loadModel() {
    auto m = ModelLoader::load(kHalfPlusTwo.toStdString());
    return m.ok() ? m.value() : nullptr;
}

std::vector<float> floats(const Tensor& t) {
    std::vector<float> out;
    for (int64_t i = 0; i < t.numElements(); ++i) out.push_back(t.data<float>()[i]);
    return out;
}

void typeLiteral(InputEditor* e, const QString& text) {
    e->literalEdit()->clear();
    e->literalEdit()->setFocus();
    QTest::keyClicks(e->literalEdit(), text);
}

// Opens `signature` and waits for its form.
bool openForm(RunnerPanel& panel, const QString& signature) {
    QSignalSpy ready(&panel, &RunnerPanel::formReady);
    if (!panel.selectSignature(signature)) return false;
    return ready.count() > 0 || ready.wait(30000);
}

// Fills the tf.Example table: one map of feature key -> cell per example. False if a key is unknown.
bool setExamples(ExampleEditor* ex, const std::vector<std::map<QString, QString>>& examples) {
    ex->setExampleCount(int(examples.size()));
    for (int e = 0; e < int(examples.size()); ++e) {
        for (const auto& [key, text] : examples[size_t(e)]) {
            const auto& fs = ex->features();
            auto f = std::find_if(fs.begin(), fs.end(), [&](const io::ExampleFeature& x) { return QString::fromStdString(x.key) == key; });
            if (f == fs.end()) return false;
            ex->setCell(int(f - fs.begin()), e, text);
        }
    }
    return true;
}

std::vector<double> doubles(const Tensor& t) {
    std::vector<double> out;
    for (int64_t i = 0; i < t.numElements(); ++i) out.push_back(t.elementAsDouble(i));
    return out;
}

bool near(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-5) {
    if (got.size() != want.size()) return false;
    for (size_t i = 0; i < got.size(); ++i)
        if (std::abs(got[i] - want[i]) > tol * std::max(1.0, std::abs(want[i]))) return false;
    return true;
}

bool runAndWait(RunnerPanel& panel) {
    QSignalSpy done(&panel, &RunnerPanel::runFinished);
    QTest::mouseClick(panel.runButton(), Qt::LeftButton);
    return done.count() > 0 || done.wait(30000);
}
}  // namespace

class TestRunnerPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(useTemporarySettings(m_settingsDir, "tst_runner_panel"));
        TFSCOPE_REQUIRE_SHARED_MODELS();  // every case runs a shared model
        m_model = loadModel();
        QVERIFY(m_model);
    }

    void testRunsHalfPlusTwo() {
        RunnerPanel panel;
        panel.setModel(m_model);
        QVERIFY(!panel.runButton()->isEnabled());
        QVERIFY(openForm(panel, QStringLiteral("serving_default")));
        QCOMPARE(panel.signature(), QStringLiteral("serving_default"));
        QCOMPARE(int(panel.editors().size()), 1);
        QVERIFY(!panel.optionalToggle());  // nothing optional: no fold
        InputEditor* x = panel.editor(QStringLiteral("x"));
        QVERIFY(x);
        QCOMPARE(x->spec().tensorName, std::string("x:0"));
        QCOMPARE(x->spec().dtype, DType::Float);
        QCOMPARE(x->spec().shape, (Shape{-1, 1}));
        QCOMPARE(int(x->dimSpins().size()), 1);  // one spin box for the -1 dim
        QVERIFY(!x->exampleEditor());
        QCOMPARE(x->literalEdit()->toPlainText(), QStringLiteral("[[0.0]]"));  // zeros, free dim 1
        QVERIFY(panel.runButton()->isEnabled());
        x->dimSpins()[0]->setValue(2);
        x->fill(QStringLiteral("1"));
        QCOMPARE(x->literalEdit()->toPlainText(), QStringLiteral("[[1.0], [1.0]]"));

        typeLiteral(x, QStringLiteral("[[1.0],[2.0],[5.0]]"));
        QVERIFY2(x->isValid(), qPrintable(x->validationText()));
        QCOMPARE(x->dimSpins()[0]->value(), 3);  // follows the literal
        QVERIFY(panel.runButton()->isEnabled());
        QVERIFY(runAndWait(panel));
        QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
        QCOMPARE(int(panel.outputs().size()), 1);
        const Tensor& y = panel.outputs().at("y");
        QCOMPARE(y.dtype(), DType::Float);
        QCOMPARE(y.shape(), (Shape{3, 1}));
        QCOMPARE(floats(y), (std::vector<float>{2.5f, 3.0f, 4.5f}));
        QVERIFY2(panel.statusText().startsWith(QStringLiteral("Done in")), qPrintable(panel.statusText()));
        QCOMPARE(panel.outputList()->topLevelItemCount(), 1);
        QTreeWidgetItem* row = panel.outputList()->topLevelItem(0);
        QCOMPARE(row->text(0), QStringLiteral("y"));
        QCOMPARE(row->text(2), QStringLiteral("[3,1]"));
        QCOMPARE(row->text(3), QStringLiteral("2.5, 3, 4.5"));

        // Opening an output hands it to the tensor viewer; saving writes <key>.npy.
        QSignalSpy opened(&panel, &RunnerPanel::tensorActivated);
        emit panel.outputList()->itemActivated(row, 0);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.at(0).at(0).toString(), QStringLiteral("serving_default/y"));
        QVERIFY(opened.at(0).at(1).value<Tensor>().sameContent(y));
        QTemporaryDir out;
        QCOMPARE(panel.saveOutputs(out.path()), QString());
        auto back = io::readNpy(out.filePath(QStringLiteral("y.npy")).toStdString());
        QVERIFY(back.ok());
        QVERIFY(back.value().sameContent(y));
    }

    // Every required input starts the same way: zeros of its shape (free dims 1) whatever the dtype,
    // or, when that would be too large or the rank is unknown, empty with a placeholder saying why.
    void testStartingInputs() {
        auto editor = [](DType dtype, Shape shape, bool unknownRank = false) {
            exec::TensorSpec spec;
            spec.tensorName = "in:0";
            spec.dtype = dtype;
            spec.shape = std::move(shape);
            spec.unknownRank = unknownRank;
            return std::make_unique<InputEditor>("in", spec, std::vector<io::ExampleFeature>{});
        };
        QCOMPARE(editor(DType::Float, {-1, 2})->literalEdit()->toPlainText(), QStringLiteral("[[0.0, 0.0]]"));
        QCOMPARE(editor(DType::Int64, {2})->literalEdit()->toPlainText(), QStringLiteral("[0, 0]"));
        QCOMPARE(editor(DType::Bool, {})->literalEdit()->toPlainText(), QStringLiteral("False"));
        auto str = editor(DType::String, {-1});
        QCOMPARE(str->literalEdit()->toPlainText(), QStringLiteral("['']"));
        QVERIFY(str->isValid());
        auto image = editor(DType::Float, {-1, 28, 28, 1});  // 784 elements: still a literal
        QVERIFY(image->isValid());
        QCOMPARE(image->value().value().shape(), (Shape{1, 28, 28, 1}));
        auto big = editor(DType::Float, {-1, 224, 224, 3});
        QVERIFY(big->literalEdit()->toPlainText().isEmpty());
        QCOMPARE(big->literalEdit()->placeholderText(),
                 QStringLiteral("[1,224,224,3] = 150528 elements, too many to start with: press Fill zeros, type a literal or load a .npy file"));
        QCOMPARE(big->validationText(), QStringLiteral("Enter a value for 'in'."));
        auto unknown = editor(DType::Float, {}, true);
        QVERIFY(unknown->literalEdit()->toPlainText().isEmpty());
        QVERIFY(unknown->literalEdit()->placeholderText().startsWith(QStringLiteral("Unknown shape:")));
    }

    void testInvalidLiteralDisablesRun() {
        RunnerPanel panel;
        panel.setModel(m_model);
        QVERIFY(openForm(panel, QStringLiteral("serving_default")));
        InputEditor* x = panel.editor(QStringLiteral("x"));
        typeLiteral(x, QStringLiteral("[[1.0]]"));
        QVERIFY(panel.runButton()->isEnabled());

        const QString bad = QStringLiteral("[[1.0],[2.0");
        typeLiteral(x, bad);
        QVERIFY(!x->isValid());
        const std::string parserError = io::parseLiteral(bad.toStdString()).status().message();
        QVERIFY(!parserError.empty());
        QCOMPARE(x->validationText(), QString::fromStdString(parserError));
        QVERIFY(!panel.runButton()->isEnabled());
        QVERIFY(panel.runButton()->toolTip().contains(QString::fromStdString(parserError)));
        // The message is on screen, under the editor.
        const auto labels = x->findChildren<QLabel*>();
        QVERIFY(std::any_of(labels.begin(), labels.end(), [&](QLabel* l) { return l->text() == QString::fromStdString(parserError); }));

        typeLiteral(x, QStringLiteral("[[1.0],[2.0, 3.0]]"));  // ragged
        QVERIFY(!x->isValid());
        QVERIFY(!panel.runButton()->isEnabled());
        typeLiteral(x, QStringLiteral("['a']"));  // a string for a float input
        QVERIFY(!x->isValid());
        typeLiteral(x, QString());
        QVERIFY(!x->isValid());
        QCOMPARE(x->validationText(), QStringLiteral("Enter a value for 'x'."));
        typeLiteral(x, QStringLiteral("[[4]]"));  // ints are cast to the input's dtype
        QVERIFY(x->isValid());
        QCOMPARE(x->value().value().dtype(), DType::Float);
        QVERIFY(panel.runButton()->isEnabled());
    }

    void testWrongShapeShowsExecutorError() {
        RunnerPanel panel;
        panel.setModel(m_model);
        QVERIFY(openForm(panel, QStringLiteral("serving_default")));
        InputEditor* x = panel.editor(QStringLiteral("x"));
        typeLiteral(x, QStringLiteral("[1.0, 2.0]"));
        QVERIFY(x->isValid());  // a warning only: the executor decides
        QVERIFY(x->validationText().contains(QStringLiteral("does not match")));
        QVERIFY(runAndWait(panel));
        QVERIFY(panel.outputs().empty());

        // The same run through the core API gives the same message.
        auto session = exec::openModelSession(m_model, {"serve"});
        QVERIFY(session.ok());
        auto r = session.value()->runSignature("serving_default", {{"x", Tensor::fromVector<float>({2}, {1.f, 2.f})}});
        QVERIFY(!r.ok());
        QCOMPARE(panel.errorText(), QString::fromStdString(r.status().message()));
        QVERIFY(panel.errorText().contains(QStringLiteral("[-1,1]")));
        const auto labels = panel.findChildren<QLabel*>();
        QVERIFY(std::any_of(labels.begin(), labels.end(), [&](QLabel* l) { return l->isVisibleTo(&panel) && l->text() == panel.errorText(); }));
        QVERIFY(panel.statusText().startsWith(QStringLiteral("Failed after")));

        // A good run clears the error.
        typeLiteral(x, QStringLiteral("[[2.0]]"));
        QVERIFY(runAndWait(panel));
        QCOMPARE(panel.errorText(), QString());
        QCOMPARE(floats(panel.outputs().at("y")), (std::vector<float>{3.0f}));
    }

    void testExampleRowsFromGraph() {
        RunnerPanel panel;
        panel.setModel(m_model);
        QVERIFY(openForm(panel, QStringLiteral("regress_x_to_y")));
        QCOMPARE(int(panel.editors().size()), 1);
        InputEditor* in = panel.editors().front();
        QCOMPARE(in->spec().dtype, DType::String);
        ExampleEditor* ex = in->exampleEditor();
        QVERIFY(ex);
        QCOMPARE(in->source(), InputEditor::Source::Examples);
        // half_plus_two parses x (FixedLenFeature([1], float32)) and x2 (default 0.0).
        QStringList keys;
        for (int r = 0; r < ex->table()->rowCount(); ++r) keys << ex->table()->item(r, 0)->text();
        QCOMPARE(keys, (QStringList{QStringLiteral("x"), QStringLiteral("x2")}));
        QCOMPARE(ex->features()[0].dtype, DType::Float);
        QCOMPARE(ex->features()[0].shape, (Shape{1}));
        QVERIFY(!ex->features()[0].hasDefault);
        QVERIFY(ex->features()[1].hasDefault);

        QVERIFY(!in->isValid());  // x is required
        QVERIFY(in->validationText().contains(QStringLiteral("'x'")));
        ex->setCell(0, 0, QStringLiteral("1"));     // an int typed for a float feature
        ex->setCell(0, 1, QStringLiteral("[5.0]"));
        QCOMPARE(ex->exampleCount(), 2);
        QVERIFY2(in->isValid(), qPrintable(in->validationText()));
        QCOMPARE(in->value().value().shape(), (Shape{2}));
        QVERIFY(runAndWait(panel));
        QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
        const Tensor& y = panel.outputs().begin()->second;
        QCOMPARE(floats(y), (std::vector<float>{2.5f, 4.5f}));

        ex->setCell(0, 1, QStringLiteral("'text'"));  // wrong kind for a float feature
        QVERIFY(!in->isValid());
        QVERIFY(!panel.runButton()->isEnabled());
    }

    void testLoadNpy() {
        RunnerPanel panel;
        panel.setModel(m_model);
        QVERIFY(openForm(panel, QStringLiteral("serving_default")));
        InputEditor* x = panel.editor(QStringLiteral("x"));
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("x.npy"));
        QVERIFY(io::writeNpy(good.toStdString(), Tensor::fromVector<float>({2, 1}, {4.f, 8.f})).ok());
        QVERIFY(x->loadNpy(good));
        QCOMPARE(x->source(), InputEditor::Source::Npy);
        QVERIFY(x->isValid());
        QVERIFY(runAndWait(panel));
        QCOMPARE(floats(panel.outputs().at("y")), (std::vector<float>{4.0f, 6.0f}));

        const QString bad = dir.filePath(QStringLiteral("bad.npy"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not numpy");
        f.close();
        QVERIFY(!x->loadNpy(bad));
        QVERIFY(!x->isValid());
        QCOMPARE(x->validationText(), QString::fromStdString(io::readNpy(bad.toStdString()).status().message()));
        QVERIFY(!panel.runButton()->isEnabled());
        x->setSource(InputEditor::Source::Literal);  // the literal is still there
        QVERIFY(x->isValid());
        QVERIFY(panel.runButton()->isEnabled());
    }

    void testCancelThenRunAgain() {
        RunnerPanel panel;
        panel.setModel(m_model);
        QVERIFY(openForm(panel, QStringLiteral("serving_default")));
        typeLiteral(panel.editor(QStringLiteral("x")), QStringLiteral("[[1.0]]"));
        QSignalSpy done(&panel, &RunnerPanel::runFinished);
        panel.run();
        QVERIFY(panel.isRunning());
        QVERIFY(panel.cancelButton()->isEnabled());
        QVERIFY(!panel.runButton()->isEnabled());
        panel.cancel();
        QVERIFY(done.wait(30000));
        QVERIFY2(panel.statusText().startsWith(QStringLiteral("Cancelled after")), qPrintable(panel.statusText()));
        QVERIFY(panel.outputs().empty());
        QVERIFY(!panel.cancelButton()->isEnabled());
        // The session is still usable.
        QVERIFY(runAndWait(panel));
        QCOMPARE(floats(panel.outputs().at("y")), (std::vector<float>{2.5f}));
    }

    void testRemembersInputsPerSignature() {
        {
            RunnerPanel panel;
            panel.setModel(m_model);
            QVERIFY(openForm(panel, QStringLiteral("regress_x2_to_y3")));
            typeLiteral(panel.editor(QStringLiteral("inputs")), QStringLiteral("[[7.0]]"));
            QVERIFY(runAndWait(panel));
            QCOMPARE(floats(panel.outputs().begin()->second), (std::vector<float>{6.5f}));  // 0.5*7+3
            QVERIFY(openForm(panel, QStringLiteral("serving_default")));
            typeLiteral(panel.editor(QStringLiteral("x")), QStringLiteral("[[3.0], [4.0]]"));
            QVERIFY(runAndWait(panel));
        }
        RunnerPanel panel;
        panel.setModel(m_model);
        QVERIFY(openForm(panel, QStringLiteral("regress_x2_to_y3")));
        QCOMPARE(panel.editor(QStringLiteral("inputs"))->literalEdit()->toPlainText(), QStringLiteral("[[7.0]]"));
        QVERIFY(panel.runButton()->isEnabled());
        QVERIFY(openForm(panel, QStringLiteral("serving_default")));  // another signature, its own inputs
        QCOMPARE(panel.editor(QStringLiteral("x"))->literalEdit()->toPlainText(), QStringLiteral("[[3.0], [4.0]]"));
    }

    // Inputs the graph computes (TFMA's features and labels) may stay empty and are then left out
    // of the run, as `tfscope run` leaves them out; given a value, they are fed instead.
    void testOptionalInputsComputedByGraph() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto loaded = ModelLoader::load(kTfma.toStdString());
        QVERIFY2(loaded.ok(), loaded.status().toString().c_str());
        auto tfma = loaded.value();
        // The three examples of tst_real_models_run and tests/oracle/test_run_real.py (TFMA_EX).
        const std::vector<std::map<QString, QString>> examples{
            {{u"company"_s, u"Taxi Affiliation Services"_s}, {u"dropoff_census_tract"_s, u"17031081500"_s},
             {u"dropoff_community_area"_s, u"8"_s}, {u"dropoff_latitude"_s, u"41.89"_s}, {u"dropoff_longitude"_s, u"-87.63"_s},
             {u"fare"_s, u"12.5"_s}, {u"payment_type"_s, u"Credit Card"_s}, {u"pickup_census_tract"_s, u"17031839100"_s},
             {u"pickup_community_area"_s, u"32"_s}, {u"pickup_latitude"_s, u"41.88"_s}, {u"pickup_longitude"_s, u"-87.62"_s},
             {u"trip_miles"_s, u"2.3"_s}, {u"trip_seconds"_s, u"720"_s}, {u"trip_start_day"_s, u"3"_s},
             {u"trip_start_hour"_s, u"14"_s}, {u"trip_start_month"_s, u"6"_s}, {u"trip_start_timestamp"_s, u"1400269500"_s},
             {u"tips"_s, u"5.0"_s}},
            {{u"company"_s, u"Flash Cab"_s}, {u"fare"_s, u"40.0"_s}, {u"payment_type"_s, u"Cash"_s}, {u"trip_miles"_s, u"15.0"_s},
             {u"trip_start_hour"_s, u"2"_s}, {u"trip_start_day"_s, u"7"_s}, {u"trip_start_month"_s, u"12"_s},
             {u"pickup_latitude"_s, u"41.97"_s}, {u"pickup_longitude"_s, u"-87.9"_s}, {u"tips"_s, u"0.0"_s}},
            {}};
        // What TensorFlow 2.15 and `tfscope run` give for them (labels computed: tips > 20% of fare).
        const std::vector<double> logistic{0.3143448233604431, 0.2017117738723755, 0.2101655900478363};
        const double loss = 0.5394940972328186;
        {
            RunnerPanel panel;
            panel.setModel(tfma);
            QVERIFY(openForm(panel, QStringLiteral("eval")));
            QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
            QCOMPARE(int(panel.editors().size()), 39);
            InputEditor* in = panel.editors().front();  // the one required input comes first
            QCOMPARE(in->key(), std::string("inputs/examples"));
            QVERIFY(!in->isOptional());
            QCOMPARE(in->source(), InputEditor::Source::Examples);
            for (size_t i = 1; i < panel.editors().size(); ++i) {
                InputEditor* e = panel.editors()[i];
                QVERIFY2(e->isOptional() && e->isOmitted() && e->isValid(), e->key().c_str());
                QCOMPARE(e->literalEdit()->toPlainText(), QString());  // no zeros: they would replace what the graph computes
                QVERIFY2(e->isHidden(), e->key().c_str());                // folded away until asked for
            }
            QToolButton* fold = panel.optionalToggle();
            QVERIFY(fold);
            QVERIFY(!fold->isChecked());
            QVERIFY(!in->isHidden());
            QCOMPARE(fold->text(), QStringLiteral("Optional inputs (38): the graph computes them; give one a value to feed it instead"));
            fold->click();
            for (InputEditor* e : panel.editors()) QVERIFY2(!e->isHidden(), e->key().c_str());
            InputEditor* labels = panel.editor(QStringLiteral("labels"));
            QVERIFY(labels);
            QCOMPARE(labels->spec().dtype, DType::Int64);
            const QString omitted = QStringLiteral("Empty: left out of the run; the graph computes it.");
            QCOMPARE(labels->validationText(), omitted);
            const auto labelTexts = labels->findChildren<QLabel*>();
            QVERIFY(std::any_of(labelTexts.begin(), labelTexts.end(),
                                [](QLabel* l) { return l->text().contains(QStringLiteral("(optional: computed by the graph)")); }));
            auto message = std::find_if(labelTexts.begin(), labelTexts.end(), [&](QLabel* l) { return l->text() == omitted; });
            QVERIFY(message != labelTexts.end());
            QVERIFY2(!(*message)->styleSheet().contains(QStringLiteral("#c62828")), qPrintable((*message)->styleSheet()));  // not red
            // An optional input on the .npy source with no file chosen is empty too.
            labels->setSource(InputEditor::Source::Npy);
            QVERIFY(labels->isOmitted());
            labels->setSource(InputEditor::Source::Literal);

            QVERIFY(setExamples(in->exampleEditor(), examples));
            QVERIFY2(in->isValid(), qPrintable(in->validationText()));
            QVERIFY2(panel.runButton()->isEnabled(), qPrintable(panel.runButton()->toolTip()));
            QVERIFY(runAndWait(panel));
            QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
            QVERIFY(near(doubles(panel.outputs().at("loss")), {loss}));
            QVERIFY(near(doubles(panel.outputs().at("predictions/logistic")), logistic));
            QCOMPARE(doubles(panel.outputs().at("predictions/class_ids")), std::vector<double>({0, 0, 0}));

            // A value given for an optional input is fed instead: every label 1 makes the loss
            // mean(-log(logistic)).
            typeLiteral(labels, QStringLiteral("[1, 1, 1]"));
            QVERIFY(labels->isValid());
            QVERIFY(!labels->isOmitted());
            QVERIFY(runAndWait(panel));
            QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
            double fed = 0;
            for (double p : logistic) fed -= std::log(p) / 3;
            QVERIFY2(near(doubles(panel.outputs().at("loss")), {fed}), qPrintable(QString::number(doubles(panel.outputs().at("loss"))[0])));
            QVERIFY(near(doubles(panel.outputs().at("predictions/logistic")), logistic));

            // Emptied again, it is computed again.
            typeLiteral(labels, QString());
            QVERIFY(labels->isOmitted());
            QVERIFY(runAndWait(panel));
            QVERIFY(near(doubles(panel.outputs().at("loss")), {loss}));
        }
        // The remembered inputs keep the empty optional inputs empty (the last run's, not the
        // earlier "[1, 1, 1]").
        RunnerPanel panel;
        panel.setModel(tfma);
        QVERIFY(openForm(panel, QStringLiteral("eval")));
        InputEditor* in = panel.editor(QStringLiteral("inputs/examples"));
        QCOMPARE(in->exampleEditor()->exampleCount(), 3);
        QVERIFY(panel.optionalToggle() && !panel.optionalToggle()->isChecked());  // all empty again: folded
        QVERIFY(in->isValid());
        for (InputEditor* e : panel.editors()) QVERIFY2(e == in || (e->isOmitted() && e->literalEdit()->toPlainText().isEmpty()), e->key().c_str());
        QVERIFY(panel.runButton()->isEnabled());
        QVERIFY(runAndWait(panel));
        QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
        QVERIFY(near(doubles(panel.outputs().at("predictions/logistic")), logistic));

        // An empty required input still blocks the run, with the usual message.
        in->setSource(InputEditor::Source::Literal);
        typeLiteral(in, QString());
        QVERIFY(!in->isValid());
        QVERIFY(!in->isOmitted());
        QCOMPARE(in->validationText(), QStringLiteral("Enter a value for 'inputs/examples'."));
        QVERIFY(!panel.runButton()->isEnabled());
        QCOMPARE(panel.runButton()->toolTip(), QStringLiteral("Input 'inputs/examples': Enter a value for 'inputs/examples'."));
    }

    void testMainWindowRunDock() {
        MainWindow w;
        w.setErrorDialogs(false);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.openPath(kHalfPlusTwo);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        auto* dock = w.findChild<QDockWidget*>(QStringLiteral("RunDock"));
        QVERIFY(dock);
        QVERIFY(dock->isHidden());
        QSignalSpy ready(w.runner(), &RunnerPanel::formReady);
        QVERIFY(w.showRunner());  // nothing selected: serving_default
        QVERIFY(!dock->isHidden());
        QCOMPARE(w.runner()->signature(), QStringLiteral("serving_default"));
        QVERIFY(ready.wait(30000));
        typeLiteral(w.runner()->editor(QStringLiteral("x")), QStringLiteral("[[6.0]]"));
        QVERIFY(w.runner()->runButton()->isEnabled());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(runAndWait(*w.runner()));
        // Opening the output shows it in the window's tensor viewer.
        emit w.runner()->outputList()->itemActivated(w.runner()->outputList()->topLevelItem(0), 0);
        QCOMPARE(floats(w.tensorViewer()->tableModel()->tensor()), (std::vector<float>{5.0f}));
        QVERIFY(!w.showRunner(QStringLiteral("no_such_signature")));
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 30000);
    }

private:
    QTemporaryDir m_settingsDir;
    std::shared_ptr<const Model> m_model;
};

QTEST_MAIN(TestRunnerPanel)
#include "tst_runner_panel.moc"
