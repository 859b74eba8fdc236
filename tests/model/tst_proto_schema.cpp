// Schema completeness: every SavedModel, MetaGraphDef, GraphDef, fingerprint and checkpoint object
// graph under the shared real models parses with our .proto files and leaves no unknown field
// anywhere (recursively, including map entries and repeated messages).
#include <QtTest>

#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>

#include <filesystem>

#include "fingerprint.pb.h"
#include "graph.pb.h"
#include "meta_graph.pb.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/loader/proto_io.h"
#include "saved_model.pb.h"
#include "shared_models.h"
#include "trackable_object_graph.pb.h"

using namespace tfscope;
namespace fs = std::filesystem;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

namespace {

// Appends "path.to.field (N unknown)" for every message holding unknown fields.
void findUnknown(const Message& msg, const std::string& path, std::vector<std::string>& out) {
    const auto* refl = msg.GetReflection();
    const auto& unknown = refl->GetUnknownFields(msg);
    if (!unknown.empty()) {
        std::string nums;
        for (int i = 0; i < unknown.field_count(); ++i) nums += " #" + std::to_string(unknown.field(i).number());
        out.push_back((path.empty() ? msg.GetTypeName() : path) + ":" + nums);
    }
    std::vector<const FieldDescriptor*> fields;
    refl->ListFields(msg, &fields);
    for (const FieldDescriptor* f : fields) {
        if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
        const std::string sub = path.empty() ? f->name() : path + "." + f->name();
        if (f->is_repeated()) {
            const int n = refl->FieldSize(msg, f);
            for (int i = 0; i < n; ++i)
                findUnknown(refl->GetRepeatedMessage(msg, f, i), sub + "[" + std::to_string(i) + "]", out);
        } else {
            findUnknown(refl->GetMessage(msg, f), sub, out);
        }
    }
}

bool underAssets(const fs::path& p) {
    for (const auto& part : p)
        if (part == "assets" || part == "assets.extra") return true;
    return false;
}

}  // namespace

class TestProtoSchema : public QObject {
    Q_OBJECT
private slots:
    void testNoUnknownFields_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("type");
        TFSCOPE_REQUIRE_SHARED_MODELS();
        std::vector<std::pair<std::string, std::string>> rows;
        for (const auto& e : fs::recursive_directory_iterator(TFSCOPE_SHARED_MODELS)) {
            if (!e.is_regular_file() || underAssets(e.path())) continue;
            const std::string name = e.path().filename().string();
            const std::string ext = e.path().extension().string();
            std::string type;
            if (name == "saved_model.pb" || name == "saved_model.pbtxt") type = "SavedModel";
            else if (ext == ".meta") type = "MetaGraphDef";
            else if (name == "fingerprint.pb") type = "FingerprintDef";
            else if (name == "keras_metadata.pb") continue;
            else if (ext == ".pb" || name == "graph.pbtxt") type = "GraphDef";
            else if (name.ends_with(".index")) type = "ObjectGraph";
            else continue;
            rows.emplace_back(e.path().string(), type);
        }
        std::sort(rows.begin(), rows.end());
        QVERIFY(rows.size() > 90);
        for (const auto& [p, t] : rows)
            QTest::addRow("%s", fs::relative(p, TFSCOPE_SHARED_MODELS).string().c_str())
                << QString::fromStdString(p) << QString::fromStdString(t);
    }
    void testNoUnknownFields() {
        QFETCH(QString, path);
        QFETCH(QString, type);
        const std::string p = path.toStdString();
        std::unique_ptr<Message> msg;
        if (type == "SavedModel") msg = std::make_unique<tensorflow::SavedModel>();
        else if (type == "MetaGraphDef") msg = std::make_unique<tensorflow::MetaGraphDef>();
        else if (type == "FingerprintDef") msg = std::make_unique<tensorflow::FingerprintDef>();
        else if (type == "GraphDef") msg = std::make_unique<tensorflow::GraphDef>();
        else msg = std::make_unique<tensorflow::TrackableObjectGraph>();
        if (type == "ObjectGraph") {
            std::string prefix = p.substr(0, p.size() - std::string(".index").size());
            auto reader = CheckpointReader::open(prefix);
            QVERIFY2(reader.ok(), reader.status().toString().c_str());
            if (!(*reader)->find("_CHECKPOINTABLE_OBJECT_GRAPH")) QSKIP("TF1 checkpoint: no object graph.");
            auto t = (*reader)->read("_CHECKPOINTABLE_OBJECT_GRAPH");
            QVERIFY2(t.ok(), t.status().toString().c_str());
            QCOMPARE(t->dtype(), DType::String);
            QVERIFY(parseBinaryProto(t->strings().at(0), *msg).ok());
            QVERIFY(static_cast<tensorflow::TrackableObjectGraph&>(*msg).nodes_size() > 0);
        } else if (p.ends_with(".pbtxt")) {
            Status st = readTextProto(p, *msg);
            QVERIFY2(st.ok(), st.toString().c_str());
        } else {
            Status st = readBinaryProto(p, *msg);
            QVERIFY2(st.ok(), st.toString().c_str());
        }
        std::vector<std::string> unknown;
        findUnknown(*msg, "", unknown);
        std::string all;
        for (size_t i = 0; i < unknown.size() && i < 10; ++i) all += "\n  " + unknown[i];
        QVERIFY2(unknown.empty(), ("unknown fields in " + p + ":" + all).c_str());
    }

    // The check itself must be able to fail: an unknown field #99 inside a nested message.
    void testDetectsUnknownField() {
        tensorflow::SavedModel sm;
        auto* mg = sm.add_meta_graphs();
        mg->mutable_meta_info_def()->add_tags("serve");
        (*mg->mutable_signature_def())["k"].mutable_inputs();
        std::string bytes = sm.SerializeAsString();
        tensorflow::SavedModel withUnknown;
        auto* m2 = withUnknown.add_meta_graphs();
        m2->mutable_graph_def()->add_node()->set_name("n");
        m2->mutable_graph_def()->mutable_node(0)->GetReflection()->MutableUnknownFields(
            m2->mutable_graph_def()->mutable_node(0))->AddVarint(99, 1);
        std::vector<std::string> out;
        findUnknown(sm, "", out);
        QVERIFY(out.empty());
        findUnknown(withUnknown, "", out);
        QCOMPARE(out, std::vector<std::string>{"meta_graphs[0].graph_def.node[0]: #99"});
    }
};

QTEST_GUILESS_MAIN(TestProtoSchema)
#include "tst_proto_schema.moc"
