// checkRestore (model/lint): a model with its own checkpoint restores; the tutorial graph (Saver
// of v1, v2) with the v1-only checkpoint misses v2; the v1-only graph (Saver({"v1": v1})) restores
// from the full checkpoint (extra keys are ignored); a TF2 SavedModel restores by object graph;
// the TF2 half_plus_two checkpoint into the TF1 graph gets the renames a, b, c (shared models).
#include <QtTest>

#include "load_model.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/lint/restore_check.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "shared_models.h"

using namespace tfscope;

namespace {

RestoreCheck check(const std::string& model, const std::string& ckpt) {
    auto m = loadModelOrDie(model);
    auto c = loadModelOrDie(ckpt);
    auto r = checkRestore(*m, *c->checkpoint(), c.get());
    if (!r.ok()) qFatal("%s", r.status().toString().c_str());
    return *r;
}

}  // namespace

class TestLint : public QObject {
    Q_OBJECT

private slots:
    void testOwnCheckpointRestores() {
        for (const char* p : {TFSCOPE_TEST_DATA "/tutorial/model.ckpt", TFSCOPE_TEST_DATA "/keras_mlp", TFSCOPE_TEST_DATA "/tf2_module"}) {
            RestoreCheck r = check(p, p);
            QVERIFY2(r.restores(), p);
            QVERIFY(r.missing.empty() && r.unexpected.empty() && r.mismatches.empty());
        }
        QCOMPARE(int(check(TFSCOPE_TEST_DATA "/keras_mlp", TFSCOPE_TEST_DATA "/keras_mlp").path), int(RestoreCheck::Path::ObjectGraph));
    }

    // Optimizer state is counted from the object graph (Keras 3 keys weights under optimizer/).
    void testOptimizerStateCounted() {
        const std::string p = TFSCOPE_TEST_DATA "/optimizer_ckpts/k3_adam/ckpt-1";
        RestoreCheck r = check(p, p);
        QCOMPARE(r.slotsInCheckpoint, 14);
        QVERIFY(r.restores());
    }

    void testSaverSubsets() {
        const std::string full = TFSCOPE_TEST_DATA "/tutorial/model.ckpt";
        const std::string v1only = TFSCOPE_TEST_DATA "/tutorial_v1only/model.ckpt";
        RestoreCheck missing = check(full, v1only);
        QCOMPARE(int(missing.path), int(RestoreCheck::Path::SaverDef));
        QVERIFY(!missing.restores());
        QCOMPARE(missing.missing, std::vector<std::string>{"v2"});
        QVERIFY(missing.renames.empty());  // v1only holds nothing v2 could come from
        RestoreCheck subset = check(v1only, full);
        QVERIFY(subset.restores());
        QCOMPARE(subset.expected.size(), size_t(1));
        QCOMPARE(subset.unexpected, std::vector<std::string>{"v2"});
    }

    void testTf2CheckpointIntoTf1Graph() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        RestoreCheck r = check(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123",
                               TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_tf2_cpu/00000123");
        QVERIFY(!r.restores());
        std::map<std::string, std::string> renames;
        for (const auto& rn : r.renames) renames[rn.from] = rn.to;
        QCOMPARE(renames, (std::map<std::string, std::string>{{"a/.ATTRIBUTES/VARIABLE_VALUE", "a"},
                                                              {"b/.ATTRIBUTES/VARIABLE_VALUE", "b"},
                                                              {"c/.ATTRIBUTES/VARIABLE_VALUE", "c"}}));
        // The TF1 graph also restores a2 and c2, which the TF2 model does not have.
        QVERIFY(!r.fixComplete());
        QCOMPARE(r.fixEdits().size(), size_t(3));
        QCOMPARE(r.fixEdits()[0].describe(), std::string("Rename 'a/.ATTRIBUTES/VARIABLE_VALUE' to 'a'"));
    }
};

QTEST_GUILESS_MAIN(TestLint)
#include "tst_lint.moc"
