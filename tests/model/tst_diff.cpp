// diffModels (model/diff): pairing by key, object path and (--match shape) dtype+shape; equality
// from the stored crc32c without reading bytes; value statistics against values TensorFlow
// recorded (tests/data/tf2_ckpt/expected.json holds both checkpoints' tensors); edited exports;
// and the shared real models the issue names (skipped without ../shared).
#include <QtTest>

#include <cmath>
#include <map>

#include "load_model.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/diff/element_diff.h"
#include "model/diff/model_diff.h"
#include "model/edit/edit_set.h"
#include "model/export/exporter.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "shared_models.h"

using namespace tfscope;

namespace {

ModelDiff diff(const std::string& a, const std::string& b, bool matchShape = false) {
    ModelDiffOptions o;
    o.matchShape = matchShape;
    auto d = diffModels(*loadModelOrDie(a), *loadModelOrDie(b), o);
    if (!d.ok()) qFatal("%s", d.status().toString().c_str());
    return *d;
}

const VariableDiff* byKey(const ModelDiff& d, const std::string& key) {
    for (const VariableDiff& v : d.variables)
        if (v.keyA == key || (v.keyA.empty() && v.keyB == key)) return &v;
    return nullptr;
}

// {tensor name: values} of one checkpoint in a fixture's expected.json (float tensors only).
std::map<std::string, std::vector<double>> recorded(const QString& fixture, const QString& checkpoint) {
    QFile f(QStringLiteral(TFSCOPE_TEST_DATA "/") + fixture + "/expected.json");
    if (!f.open(QIODevice::ReadOnly)) qFatal("no expected.json");
    const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    std::map<std::string, std::vector<double>> out;
    for (const QJsonValue& t : root["checkpoints"].toObject()[checkpoint].toObject()["tensors"].toArray()) {
        const QJsonObject o = t.toObject();
        if (o["dtype"].toString() != "DT_FLOAT") continue;
        std::vector<double> v;
        const QJsonValue value = o["value"];
        if (value.isArray()) {
            for (const QJsonValue& x : value.toArray()) {
                if (x.isArray()) for (const QJsonValue& y : x.toArray()) v.push_back(y.toDouble());
                else v.push_back(x.toDouble());
            }
        } else {
            v.push_back(value.toDouble());
        }
        out[o["name"].toString().toStdString()] = v;
    }
    return out;
}

}  // namespace

class TestDiff : public QObject {
    Q_OBJECT

private slots:
    void testSameModelEqualByCrc() {
        const std::string p = TFSCOPE_TEST_DATA "/tf2_ckpt/ckpt-2";
        ModelDiff d = diff(p, p);
        QVERIFY(!d.differs());
        QVERIFY(!d.variables.empty());
        QCOMPARE(d.equalByCrc, int(d.variables.size()));
        QCOMPARE(d.bytesRead, int64_t(0));
    }

    // Two training steps apart: every statistic against the values TensorFlow recorded.
    void testTrainingStepAgainstRecordedValues() {
        ModelDiff d = diff(TFSCOPE_TEST_DATA "/tf2_ckpt/ckpt-1", TFSCOPE_TEST_DATA "/tf2_ckpt/ckpt-2");
        const auto a = recorded("tf2_ckpt", "ckpt-1"), b = recorded("tf2_ckpt", "ckpt-2");
        QVERIFY(a.size() >= 4);
        int changed = 0;
        for (const auto& [key, va] : a) {
            const std::vector<double>& vb = b.at(key);
            const VariableDiff* v = byKey(d, key);
            QVERIFY2(v, key.c_str());
            QCOMPARE(int(v->pairedBy), int(VariableDiff::PairedBy::Key));
            double maxAbs = 0, sumSq = 0, dot = 0, na = 0, nb = 0;
            int64_t n = 0;
            for (size_t i = 0; i < va.size(); ++i) {
                const double diffAbs = std::fabs(vb[i] - va[i]);
                maxAbs = std::max(maxAbs, diffAbs);
                sumSq += diffAbs * diffAbs;
                n += va[i] != vb[i];
                dot += va[i] * vb[i];
                na += va[i] * va[i];
                nb += vb[i] * vb[i];
            }
            if (n == 0) {
                QCOMPARE(int(v->kind), int(VariableDiff::Kind::Equal));
                continue;
            }
            ++changed;
            QCOMPARE(int(v->kind), int(VariableDiff::Kind::ValuesChanged));
            QCOMPARE(v->values.changed, n);
            QCOMPARE(v->values.count, int64_t(va.size()));
            QCOMPARE(v->values.maxAbs, maxAbs);
            QVERIFY(std::fabs(v->values.rms - std::sqrt(sumSq / double(va.size()))) <= 1e-12 * (1 + maxAbs));
            if (na > 0 && nb > 0) QVERIFY(std::fabs(v->values.cosine - dot / std::sqrt(na * nb)) <= 1e-12);
        }
        QVERIFY(changed >= 2);
        QVERIFY(d.count(VariableDiff::Kind::ValuesChanged) >= changed);  // + integer counters (save_counter, iter)
        QVERIFY(d.bytesRead > 0);
        QVERIFY(d.differs());
    }

    // An edited export against its source: the scaled tensor changed by exactly its values, the
    // deleted one only in A, the added one only in B, a cast one a dtype change; the rest equal
    // from the crc32c alone.
    void testEditedExport() {
        const std::string src = TFSCOPE_TEST_DATA "/tutorial/model.ckpt";
        auto set = EditSet::fromModel(loadModelOrDie(src));
        QVERIFY(set.ok());
        QVERIFY(set->apply(EditOp::scale("v1", 3)).ok());
        QVERIFY(set->apply(EditOp::remove("v2")).ok());
        QVERIFY(set->apply(EditOp::addVariable("z", DType::Float, {2}, EditOp::Init::Ones)).ok());
        QTemporaryDir dir;
        ExportOptions o;
        o.out = dir.filePath("m").toStdString();
        QVERIFY(exportCheckpoint(*set, o).ok());
        ModelDiff d = diff(src, o.out);
        const VariableDiff* v1 = byKey(d, "v1");
        QCOMPARE(int(v1->kind), int(VariableDiff::Kind::ValuesChanged));
        QCOMPARE(v1->values.maxAbs, 2.0);  // ones -> threes
        QCOMPARE(v1->values.maxRel, 2.0 / 3.0);
        QCOMPARE(v1->values.rms, 2.0);
        QCOMPARE(v1->values.cosine, 1.0);
        QCOMPARE(v1->values.fractionChanged(), 1.0);
        QCOMPARE(int(byKey(d, "v2")->kind), int(VariableDiff::Kind::OnlyInA));
        QCOMPARE(int(byKey(d, "z")->kind), int(VariableDiff::Kind::OnlyInB));
        QCOMPARE(d.count(VariableDiff::Kind::Equal), 0);

        auto same = EditSet::fromModel(loadModelOrDie(src));
        QVERIFY(same->apply(EditOp::cast("v2", DType::Double)).ok());
        o.out = dir.filePath("c").toStdString();
        QVERIFY(exportCheckpoint(*same, o).ok());
        ModelDiff c = diff(src, o.out);
        QCOMPARE(int(byKey(c, "v2")->kind), int(VariableDiff::Kind::DtypeChanged));
        QCOMPARE(int(byKey(c, "v1")->kind), int(VariableDiff::Kind::Equal));
        QVERIFY(byKey(c, "v1")->equalByCrc);
    }

    // A Keras training checkpoint against its export without the optimizer: the optimizer state
    // is only in A, the weights are equal from their crc32c.
    void testOptimizerDroppedExport() {
        const std::string src = TFSCOPE_TEST_DATA "/optimizer_ckpts/k2_adam/ckpt-1";
        auto set = EditSet::fromModel(loadModelOrDie(src));
        QVERIFY(set->apply(EditOp::deselect({Selector::Kind::OptimizerSlots, {}})).ok());
        QTemporaryDir dir;
        ExportOptions o;
        o.out = dir.filePath("m").toStdString();
        QVERIFY(exportCheckpoint(*set, o).ok());
        ModelDiff d = diff(src, o.out);
        QCOMPARE(d.count(VariableDiff::Kind::OnlyInA), 14);  // expected.json: 14 optimizer-state keys
        QCOMPARE(d.count(VariableDiff::Kind::OnlyInB), 0);
        QCOMPARE(d.count(VariableDiff::Kind::Equal), 10);
        QCOMPARE(d.equalByCrc, 10);
    }

    // The element-wise difference behind the window's compare view: B - A per element, the changed
    // elements by |Δ| (NaN against a number first, NaN against NaN unchanged), capped at maxListed.
    void testElementDifferences() {
        const float nan = std::nanf("");
        Tensor a = Tensor::fromVector<float>({2, 3}, {1, 2, 3, 4, nan, nan});
        Tensor b = Tensor::fromVector<float>({2, 3}, {1, 2.5f, -1, 4, nan, 7});
        auto d = elementDifferences(a, b, 2);
        QVERIFY(d.ok());
        QCOMPARE(d->changed, 3);
        QCOMPARE(d->difference.dtype(), DType::Double);
        QCOMPARE(d->difference.shape(), (Shape{2, 3}));
        const double* diff = d->difference.data<double>();
        QCOMPARE(diff[1], 0.5);
        QCOMPARE(diff[2], -4.0);
        QCOMPARE(diff[0], 0.0);
        QCOMPARE(d->largest.size(), size_t(2));
        QCOMPARE(d->largest[0].index, 5);  // NaN -> 7
        QVERIFY(std::isinf(d->largest[0].absDiff()));
        QCOMPARE(d->largest[1].index, 2);
        QCOMPARE(d->largest[1].a, 3.0);
        QCOMPARE(d->largest[1].b, -1.0);
        // Its largest |Δ| is diffModels' max |Δ| (both in double from the stored values).
        Tensor c = Tensor::fromVector<int32_t>({4}, {5, -3, 9, 0});
        Tensor e = Tensor::fromVector<int32_t>({4}, {5, 4, 1, 0});
        auto ints = elementDifferences(c, e, 10);
        QVERIFY(ints.ok());
        QCOMPARE(ints->largest.size(), size_t(2));
        QCOMPARE(ints->largest[0].index, 2);  // |1 - 9| = 8 before |4 - -3| = 7
        QCOMPARE(ints->largest[0].absDiff(), compareValues(c, e)->maxAbs);
        QVERIFY(!elementDifferences(a, c).ok());
        QVERIFY(!elementDifferences(Tensor::fromStrings({1}, {"x"}), Tensor::fromStrings({1}, {"y"})).ok());
    }

    void testSharedTwoVersions() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        const std::string base = TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_2_versions/";
        ModelDiff d = diff(base + "00000123", base + "00000124");
        for (const VariableDiff& v : d.variables) QCOMPARE(int(v.pairedBy), int(VariableDiff::PairedBy::Key));
        QVERIFY(byKey(d, "a") && byKey(d, "b"));
    }

    // tfx Estimator checkpoints at steps 0, 999, 1000: global_step moves, so do the weights and
    // the Adagrad/Ftrl accumulators.
    void testSharedTfxSteps() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        const std::string dir = TFSCOPE_SHARED_MODELS "/tfx_trainer_current_Format-Serving/";
        ModelDiff d = diff(dir + "model.ckpt-999", dir + "model.ckpt-1000");
        const VariableDiff* step = byKey(d, "global_step");
        QVERIFY(step);
        QCOMPARE(int(step->kind), int(VariableDiff::Kind::ValuesChanged));
        QCOMPARE(step->values.maxAbs, 1.0);
        ModelDiff first = diff(dir + "model.ckpt-0", dir + "model.ckpt-999");
        QCOMPARE(byKey(first, "global_step")->values.maxAbs, 999.0);
        int accumulators = 0;
        for (const VariableDiff& v : first.variables)
            if ((v.keyA.ends_with("/Adagrad") || v.keyA.find("/Ftrl") != std::string::npos) && v.kind == VariableDiff::Kind::ValuesChanged)
                ++accumulators;
        QVERIFY(accumulators > 0);
        QCOMPARE(first.count(VariableDiff::Kind::OnlyInA) + first.count(VariableDiff::Kind::OnlyInB), 0);
    }

    // The same data as a checkpoint and as a SavedModel: no value change.
    void testSharedOnnxRegressionSameData() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        const std::string dir = TFSCOPE_SHARED_MODELS "/onnx_regression/";
        ModelDiff d = diff(dir + "checkpoint/model", dir + "saved_model");
        QVERIFY(d.count(VariableDiff::Kind::Equal) > 0);
        QCOMPARE(d.count(VariableDiff::Kind::ValuesChanged), 0);
    }

    // TF1 and TF2 half_plus_two: every key differs; --match shape pairs a, b and c.
    void testSharedTf1Tf2MatchShape() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        const std::string tf1 = TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123";
        const std::string tf2 = TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_tf2_cpu/00000123";
        ModelDiff d = diff(tf1, tf2, true);
        for (const char* name : {"a", "b", "c"}) {
            const VariableDiff* v = byKey(d, name);
            QVERIFY2(v, name);
            QCOMPARE(v->keyB, std::string(name) + "/.ATTRIBUTES/VARIABLE_VALUE");
            QVERIFY(v->pairedBy != VariableDiff::PairedBy::None);
            QCOMPARE(int(v->kind), int(VariableDiff::Kind::Equal));
        }
    }
};

QTEST_GUILESS_MAIN(TestDiff)
#include "tst_diff.moc"
