// model/serve: TF Serving's REST JSON <-> tensors (row and columnar formats, b64, errors and
// limits), tf.Example JSON, version policies and base path scans, the ServableManager's version
// handling (with a fake loader: broken, half-written, removed versions), and the REST handler on
// the real half_plus_two base path.
#include <QtTest>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "example.pb.h"
#include "model/serve/rest_api.h"
#include "model/serve/rest_json.h"
#include "model/serve/servable_manager.h"
#include "model/serve/version_policy.h"
#include "shared_models.h"

using namespace tfscope;
using namespace tfscope::serve;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

exec::TensorSpec spec(DType d, bool optional = false) {
    exec::TensorSpec s;
    s.dtype = d;
    s.optional = optional;
    return s;
}

json parsed(const std::string& text) {
    auto r = parseJsonBody(text, RequestLimits{});
    if (!r.ok()) qFatal("%s", r.status().message().c_str());
    return r.value();
}

void touch(const fs::path& p, const std::string& content = "x") {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
}

// A complete SavedModel folder as far as the scan is concerned.
void makeVersion(const fs::path& base, const std::string& name, bool broken = false) {
    touch(base / name / "saved_model.pb", broken ? "broken" : "ok");
    touch(base / name / "variables" / "variables.index");
}

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("tst_serve_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    static inline int counter = 0;
};

// Loads a version unless its saved_model.pb says "broken"; counts loads.
Loader fakeLoader(std::atomic<int>* loads) {
    return [loads](const std::string& name, int64_t version, const std::string& path) -> Result<std::shared_ptr<LoadedVersion>> {
        ++*loads;
        std::ifstream in(fs::path(path) / "saved_model.pb");
        std::string content((std::istreambuf_iterator<char>(in)), {});
        if (content == "broken") return Status::corruption("Could not parse saved_model.pb.");
        auto v = std::make_shared<LoadedVersion>();
        v->modelName = name;
        v->version = version;
        v->path = path;
        return v;
    };
}

}  // namespace

class TestServe : public QObject {
    Q_OBJECT
private slots:
    void testRowFormat();
    void testColumnarFormat();
    void testB64AndStrings();
    void testRequestErrors();
    void testLimits();
    void testResponses();
    void testExamples();
    void testBase64();
    void testVersionPolicy();
    void testScan();
    void testManagerVersions();
    void testManagerLabelsAndErrors();
    void testRestHalfPlusTwo();
};

void TestServe::testRowFormat() {
    std::map<std::string, exec::TensorSpec> one{{"x", spec(DType::Float)}};
    bool row = false;
    auto r = predictInputsFromJson(parsed(R"({"instances": [1.0, 2, 5.5]})"), one, {}, &row);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QVERIFY(row);
    const Tensor& x = r.value().at("x");
    QCOMPARE(x.dtype(), DType::Float);
    QCOMPARE(x.shape(), (Shape{3}));
    QCOMPARE(x.data<float>()[2], 5.5f);

    // Named inputs, stacked along a new 0-th dimension.
    std::map<std::string, exec::TensorSpec> two{{"a", spec(DType::Int32)}, {"b", spec(DType::Double)}};
    r = predictInputsFromJson(parsed(R"({"instances": [{"a": [1, 2], "b": 0.5}, {"a": [3, 4], "b": -1}]})"), two, {}, &row);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.value().at("a").shape(), (Shape{2, 2}));
    QCOMPARE(r.value().at("a").data<int32_t>()[3], 4);
    QCOMPARE(r.value().at("b").shape(), (Shape{2}));
    QCOMPARE(r.value().at("b").data<double>()[1], -1.0);

    // Instances disagreeing in their keys or shapes.
    r = predictInputsFromJson(parsed(R"({"instances": [{"a": [1, 2], "b": 0.5}, {"a": [3, 4]}]})"), two, {}, &row);
    QCOMPARE(r.status().message(), std::string("Instance 1 has 1 named inputs, the first has 2."));
    r = predictInputsFromJson(parsed(R"({"instances": [{"a": [1, 2], "b": 0.5}, {"a": [3], "b": 1}]})"), two, {}, &row);
    QVERIFY(!r.ok());
    QVERIFY2(r.status().message().find("not rectangular") != std::string::npos, r.status().message().c_str());
    // A plain value for a two-input signature.
    r = predictInputsFromJson(parsed(R"({"instances": [1, 2]})"), two, {}, &row);
    QCOMPARE(r.status().message(), std::string("The signature has 2 inputs: give each by name (objects of named inputs)."));
}

void TestServe::testColumnarFormat() {
    std::map<std::string, exec::TensorSpec> two{{"a", spec(DType::Int64)}, {"b", spec(DType::Bool)}};
    bool row = true;
    auto r = predictInputsFromJson(parsed(R"({"inputs": {"a": [[1, 2, 3]], "b": true}})"), two, {}, &row);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QVERIFY(!row);
    QCOMPARE(r.value().at("a").shape(), (Shape{1, 3}));
    QCOMPARE(r.value().at("a").data<int64_t>()[2], int64_t(3));
    QCOMPARE(r.value().at("b").shape(), Shape{});
    QCOMPARE(r.value().at("b").data<bool>()[0], true);
    // One-input signature: the bare value. Optional inputs do not count.
    std::map<std::string, exec::TensorSpec> one{{"x", spec(DType::Float)}, {"extra", spec(DType::Float, true)}};
    r = predictInputsFromJson(parsed(R"({"inputs": [[1.0], [2.0]]})"), one, {}, &row);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.value().at("x").shape(), (Shape{2, 1}));
    // Unknown input name.
    r = predictInputsFromJson(parsed(R"({"inputs": {"y": 1.0}})"), one, {}, &row);
    QCOMPARE(r.status().message(), std::string("The signature has no input 'y' (its inputs: 'extra', 'x')."));
}

void TestServe::testB64AndStrings() {
    std::map<std::string, exec::TensorSpec> s{{"s", spec(DType::String)}};
    bool row = false;
    auto r = predictInputsFromJson(parsed(R"({"instances": [{"b64": "AAH/"}, "text"]})"), s, {}, &row);
    QVERIFY2(r.ok(), r.status().message().c_str());
    const Tensor& t = r.value().at("s");
    QCOMPARE(t.shape(), (Shape{2}));
    QCOMPARE(t.strings()[0], std::string("\x00\x01\xff", 3));
    QCOMPARE(t.strings()[1], std::string("text"));
    // Columnar b64 scalar (an object with the single key b64 is a value, not named inputs).
    r = predictInputsFromJson(parsed(R"({"inputs": {"b64": "aGk="}})"), s, {}, &row);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.value().at("s").strings()[0], std::string("hi"));
    r = predictInputsFromJson(parsed(R"({"inputs": {"b64": "a*k="}})"), s, {}, &row);
    QCOMPARE(r.status().message(), std::string("Input 's': Invalid base64 data: unexpected character."));
}

void TestServe::testRequestErrors() {
    RequestLimits l;
    auto bad = parseJsonBody("{\"instances\": [1.0, 2.0,", l);
    QCOMPARE(bad.status().code(), Status::Code::InvalidArgument);
    QVERIFY2(bad.status().message().rfind("JSON Parse error at offset 25: syntax error while parsing value - unexpected end of input", 0) == 0, bad.status().message().c_str());
    QCOMPARE(parseJsonBody("[1]", l).status().message(), std::string("The request body must be a JSON object, got a list."));

    std::map<std::string, exec::TensorSpec> f{{"x", spec(DType::Float)}};
    std::map<std::string, exec::TensorSpec> i{{"x", spec(DType::Int32)}};
    bool row = false;
    auto r = predictInputsFromJson(parsed(R"({"instances": ["a"]})"), f, l, &row);
    QCOMPARE(r.status().message(), std::string("Input 'x' expects float32 values, got a string: \"a\"."));
    r = predictInputsFromJson(parsed(R"({"instances": [1.5]})"), i, l, &row);
    QCOMPARE(r.status().message(), std::string("Input 'x' expects int32 values, got a number: 1.5."));
    r = predictInputsFromJson(parsed(R"({"instances": [3000000000]})"), i, l, &row);
    QCOMPARE(r.status().message(), std::string("Input 'x': value 3000000000 is out of range for int32."));
    r = predictInputsFromJson(parsed(R"({"instances": [1], "inputs": [1]})"), f, l, &row);
    QCOMPARE(r.status().message(), std::string("Only one of 'instances' and 'inputs' may be given."));
    r = predictInputsFromJson(parsed(R"({"signature_name": "x"})"), f, l, &row);
    QCOMPARE(r.status().message(), std::string("Missing 'inputs' or 'instances' key."));
    r = predictInputsFromJson(parsed(R"({"instances": []})"), f, l, &row);
    QCOMPARE(r.status().message(), std::string("'instances' is an empty list."));
    r = predictInputsFromJson(parsed(R"({"instances": [[1.0], [2.0, 3.0]]})"), f, l, &row);
    QVERIFY2(r.status().message().find("not rectangular (expected a list of 1 at depth 1, got a list of 2)") != std::string::npos,
             r.status().message().c_str());
}

void TestServe::testLimits() {
    RequestLimits l;
    l.maxBodyBytes = 16;
    auto big = parseJsonBody(R"({"instances": [1.0, 2.0]})", l);
    QCOMPARE(big.status().code(), Status::Code::ResourceExhausted);
    QCOMPARE(big.status().message(), std::string("Request body of 25 bytes is above the limit of 16 bytes."));

    l = RequestLimits{};
    l.maxJsonDepth = 8;
    std::string deep = "{\"instances\": " + std::string(20, '[') + "1" + std::string(20, ']') + "}";
    QCOMPARE(parseJsonBody(deep, l).status().message(), std::string("JSON nesting deeper than 8 levels."));
    // Brackets inside strings (escaped quotes too) do not count.
    const std::string bracketsInStrings = "{\"s\": \"[[[[[[[[[[\\\"[[[[[[[[[[[\", \"t\": [[1]]}";
    QVERIFY(parseJsonBody(bracketsInStrings, l).ok());
    // Very deep nesting at the default limit is refused, not a stack overflow.
    std::string deeper = "{\"a\": " + std::string(200000, '[') + std::string(200000, ']') + "}";
    QCOMPARE(parseJsonBody(deeper, RequestLimits{}).status().message(), std::string("JSON nesting deeper than 64 levels."));

    l = RequestLimits{};
    l.maxTensorElements = 4;
    std::map<std::string, exec::TensorSpec> f{{"x", spec(DType::Float)}};
    bool row = false;
    auto r = predictInputsFromJson(parsed(R"({"instances": [1, 2, 3, 4, 5]})"), f, l, &row);
    QCOMPARE(r.status().code(), Status::Code::ResourceExhausted);
    QCOMPARE(r.status().message(), std::string("Input 'x' has more than 4 elements."));
}

void TestServe::testResponses() {
    Tensor y = Tensor::fromVector<float>({3, 1}, {2.5f, 3.0f, 0.1f});
    auto row = predictResponseJson({{"y", y}}, true);
    QVERIFY(row.ok());
    QCOMPARE(row.value().dump(), std::string(R"({"predictions":[[2.5],[3.0],[0.1]]})"));
    auto col = predictResponseJson({{"y", y}}, false);
    QCOMPARE(col.value().dump(), std::string(R"({"outputs":[[2.5],[3.0],[0.1]]})"));
    Tensor s = Tensor::fromStrings({3}, {"a", std::string("\xff\x00", 2), "c"});
    Tensor b = Tensor::fromStrings({3}, {"a", "b", "c"});
    auto multi = predictResponseJson({{"y", y}, {"s", s}, {"img_bytes", b}}, true);
    QVERIFY(multi.ok());
    QCOMPARE(multi.value()["predictions"][1].dump(), std::string(R"({"img_bytes":{"b64":"Yg=="},"s":{"b64":"/wA="},"y":[3.0]})"));
    auto multiCol = predictResponseJson({{"y", y}, {"s", s}}, false);
    QCOMPARE(multiCol.value().dump(), std::string(R"({"outputs":{"s":["a",{"b64":"/wA="},"c"],"y":[[2.5],[3.0],[0.1]]}})"));
    // Row format needs one batch size.
    auto mismatch = predictResponseJson({{"y", y}, {"z", Tensor::fromVector<int64_t>({2}, {1, 2})}}, true);
    QCOMPARE(mismatch.status().message(),
             std::string("Outputs disagree in their batch size (3 and 2 for 'z'); use 'inputs' (columnar format)."));
    auto scalar = predictResponseJson({{"y", Tensor::scalar<float>(1.0f)}}, true);
    QVERIFY(!scalar.ok());
    QCOMPARE(predictResponseJson({{"y", Tensor::scalar<float>(1.0f)}}, false).value().dump(), std::string(R"({"outputs":1.0})"));
}

void TestServe::testExamples() {
    auto ex = examplesFromJson(parsed(R"({"context": {"c": "ctx", "x": 9.0},
                                           "examples": [{"x": 1.0, "n": [1, 2], "s": ["a", {"b64": "Yg=="}]}, {"x": [2, 3.5]}]})"),
                               RequestLimits{});
    QVERIFY2(ex.ok(), ex.status().message().c_str());
    QCOMPARE(ex.value().size(), size_t(2));
    tensorflow::Example e;
    QVERIFY(e.ParseFromString(ex.value()[0]));
    const auto& f = e.features().feature();
    QCOMPARE(f.at("x").float_list().value_size(), 1);  // the example's own x wins over the context's
    QCOMPARE(f.at("x").float_list().value(0), 1.0f);
    QCOMPARE(f.at("c").bytes_list().value(0), std::string("ctx"));
    QCOMPARE(f.at("n").int64_list().value(1), int64_t(2));
    QCOMPARE(f.at("s").bytes_list().value(1), std::string("b"));
    QVERIFY(e.ParseFromString(ex.value()[1]));
    QCOMPARE(e.features().feature().at("x").float_list().value(1), 3.5f);  // a float in the list makes it a float_list

    auto bad = examplesFromJson(parsed(R"({"examples": [{"x": [1, "a"]}]})"), RequestLimits{});
    QCOMPARE(bad.status().message(), std::string("Example 0: Feature 'x' mixes strings and numbers."));
    bad = examplesFromJson(parsed(R"({"examples": [{"x": [[1]]}]})"), RequestLimits{});
    QCOMPARE(bad.status().message(),
             std::string("Example 0: Feature 'x' must be a number, a string, {\"b64\": ...} or a flat list of them, got a list."));
    QCOMPARE(examplesFromJson(parsed(R"({"examples": {}})"), RequestLimits{}).status().message(),
             std::string("'examples' must be a list of objects, got a object."));
    QCOMPARE(examplesFromJson(parsed(R"({"instances": []})"), RequestLimits{}).status().message(), std::string("Missing 'examples' key."));
}

void TestServe::testBase64() {
    QCOMPARE(base64Decode("aGVsbG8=").value(), std::string("hello"));
    QCOMPARE(base64Decode("aGVsbG8").value(), std::string("hello"));
    QCOMPARE(base64Decode("-_8=").value(), std::string("\xfb\xff", 2));
    QCOMPARE(base64Decode("").value(), std::string());
    QVERIFY(!base64Decode("a").ok());
    QVERIFY(!base64Decode("ab c").ok());
}

void TestServe::testVersionPolicy() {
    VersionPolicy latest;
    QCOMPARE(selectVersions({1, 2, 5}, latest), (std::vector<int64_t>{5}));
    latest.latest = 2;
    QCOMPARE(selectVersions({1, 2, 5}, latest), (std::vector<int64_t>{2, 5}));
    latest.latest = 9;
    QCOMPARE(selectVersions({1, 2, 5}, latest), (std::vector<int64_t>{1, 2, 5}));
    QCOMPARE(selectVersions({}, latest), (std::vector<int64_t>{}));
    VersionPolicy all;
    all.kind = VersionPolicy::Kind::All;
    QCOMPARE(selectVersions({1, 2, 5}, all), (std::vector<int64_t>{1, 2, 5}));
    VersionPolicy specific;
    specific.kind = VersionPolicy::Kind::Specific;
    specific.specific = {2, 7};
    QCOMPARE(selectVersions({1, 2, 5}, specific), (std::vector<int64_t>{2}));
    QCOMPARE(describePolicy(specific), std::string("specific 2,7"));

    ServedModelConfig c{"m", "/x", {}, {}};
    QVERIFY(validateConfigs({c}).ok());
    QCOMPARE(validateConfigs({c, c}).message(), std::string("Model name 'm' is given twice."));
    ServedModelConfig empty{"m", "/x", specific, {}};
    empty.policy.specific.clear();
    QCOMPARE(validateConfigs({empty}).message(), std::string("Model 'm': the specific version policy lists no version."));
}

void TestServe::testScan() {
    TempDir dir;
    makeVersion(dir.path, "1");
    makeVersion(dir.path, "00010");
    touch(dir.path / "3" / "saved_model.pb");
    fs::create_directories(dir.path / "3" / "variables");  // variables still being written
    fs::create_directories(dir.path / "4");                  // nothing yet
    fs::create_directories(dir.path / "tmp");                // not a version
    touch(dir.path / "README");
    auto s = scanVersions(dir.path.string());
    QVERIFY(s.ok());
    QCOMPARE(s.value().size(), size_t(4));
    QCOMPARE(s.value()[0].version, int64_t(1));
    QVERIFY(s.value()[0].complete);
    QCOMPARE(s.value()[1].version, int64_t(3));
    QVERIFY(!s.value()[1].complete);
    QVERIFY(!s.value()[2].complete);
    QCOMPARE(s.value()[3].version, int64_t(10));
    QVERIFY(s.value()[3].complete);
    // The fingerprint follows the files.
    uint64_t before = s.value()[0].fingerprint;
    touch(dir.path / "1" / "variables" / "variables.data-00000-of-00001", "grown");
    QVERIFY(scanVersions(dir.path.string()).value()[0].fingerprint != before);
    QCOMPARE(scanVersions((dir.path / "missing").string()).status().code(), Status::Code::NotFound);
}

void TestServe::testManagerVersions() {
    TempDir dir;
    makeVersion(dir.path, "1");
    makeVersion(dir.path, "2");
    std::atomic<int> loads{0};
    ServableManager m(fakeLoader(&loads));
    QVERIFY(m.setConfig({{"m", dir.path.string(), {}, {}}}).ok());
    QCOMPARE(loads.load(), 1);
    auto v = m.acquire("m", std::nullopt, "");
    QVERIFY(v.ok());
    QCOMPARE(v.value()->version, int64_t(2));

    // A new version is loaded only once its files stayed the same for two polls.
    makeVersion(dir.path, "3");
    m.pollOnce();
    QCOMPARE(m.acquire("m", std::nullopt, "").value()->version, int64_t(2));
    m.pollOnce();
    QCOMPARE(m.acquire("m", std::nullopt, "").value()->version, int64_t(3));
    // Version 2 was unloaded, but a request holding it still has it.
    QCOMPARE(v.value().use_count(), 1L);
    QCOMPARE(m.acquire("m", 2, "").status().message(), std::string("Servable not found for request: Specific(m, 2)"));
    auto st = m.status("m", std::nullopt);
    QVERIFY(st.ok());
    QCOMPARE(st.value().size(), size_t(2));
    QCOMPARE(st.value()[0].state, VersionState::End);
    QCOMPARE(st.value()[1].state, VersionState::Available);

    // A broken newer version never replaces the working one, and is not retried while unchanged.
    makeVersion(dir.path, "4", true);
    m.pollOnce();
    m.pollOnce();
    int loadsAfterFailure = loads.load();
    m.pollOnce();
    QCOMPARE(loads.load(), loadsAfterFailure);
    QCOMPARE(m.acquire("m", std::nullopt, "").value()->version, int64_t(3));
    auto s4 = m.status("m", 4);
    QVERIFY(s4.ok());
    QCOMPARE(s4.value()[0].state, VersionState::End);
    QCOMPARE(s4.value()[0].error.message(), std::string("Could not parse saved_model.pb."));
    // Half-written: no saved_model.pb yet.
    fs::create_directories(dir.path / "5" / "variables");
    m.pollOnce();
    m.pollOnce();
    QCOMPARE(m.acquire("m", std::nullopt, "").value()->version, int64_t(3));
    QVERIFY(!m.status("m", 5).ok());
    // Removing the served version falls back to the highest remaining one that loads.
    fs::remove_all(dir.path / "3");
    m.pollOnce();
    QCOMPARE(m.acquire("m", std::nullopt, "").value()->version, int64_t(2));
    // Fixing version 4 (its files change) loads it.
    makeVersion(dir.path, "4");
    m.pollOnce();
    m.pollOnce();
    QCOMPARE(m.acquire("m", std::nullopt, "").value()->version, int64_t(4));
}

void TestServe::testManagerLabelsAndErrors() {
    TempDir dir;
    makeVersion(dir.path, "1");
    makeVersion(dir.path, "2");
    makeVersion(dir.path, "3");
    std::atomic<int> loads{0};
    ServableManager m(fakeLoader(&loads));
    ServedModelConfig c;
    c.name = "m";
    c.basePath = dir.path.string();
    c.labels = {{"stable", 1}, {"canary", 3}};
    c.policy.kind = VersionPolicy::Kind::Specific;
    c.policy.specific = {1, 3};
    QVERIFY(m.setConfig({c}).ok());
    QCOMPARE(loads.load(), 2);
    QCOMPARE(m.acquire("m", std::nullopt, "stable").value()->version, int64_t(1));
    QCOMPARE(m.acquire("m", std::nullopt, "canary").value()->version, int64_t(3));
    QCOMPARE(m.acquire("m", std::nullopt, "").value()->version, int64_t(3));
    QCOMPARE(m.acquire("m", std::nullopt, "beta").status().message(), std::string("Unrecognized servable version label: beta"));
    QCOMPARE(m.acquire("other", std::nullopt, "").status().message(), std::string("Servable not found for request: Latest(other)"));
    QCOMPARE(m.status("other", std::nullopt).status().code(), Status::Code::NotFound);
    // Reconfiguring to all versions loads version 2 too.
    c.policy.kind = VersionPolicy::Kind::All;
    QVERIFY(m.setConfig({c}).ok());
    QCOMPARE(m.acquire("m", 2, "").value()->version, int64_t(2));
    QVERIFY(m.describe().find("m (" + dir.path.string() + ", all): 1 AVAILABLE, 2 AVAILABLE, 3 AVAILABLE") != std::string::npos);
}

void TestServe::testRestHalfPlusTwo() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    ServableManager m(defaultLoader({}));
    QVERIFY(m.setConfig({{"hp2", std::string(TFSCOPE_SHARED_MODELS) + "/serving_saved_model_half_plus_two_2_versions", {}, {}}}).ok());
    RequestLimits l;
    auto r = handleRest(m, "POST", "/v1/models/hp2:predict", R"({"instances": [1.0, 2.0, 5.0]})", l);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string(R"({"predictions":[2.5,3.0,4.5]})"));
    r = handleRest(m, "POST", "/v1/models/hp2/versions/124:predict", R"({"inputs": {"x": [[1.0], [3.0]]}})", l);
    QCOMPARE(r.body, std::string(R"({"outputs":[[2.5],[3.5]]})"));
    r = handleRest(m, "POST", "/v1/models/hp2:regress", R"({"signature_name": "regress_x_to_y", "examples": [{"x": 1.0}, {"x": 4.0}]})", l);
    QCOMPARE(r.body, std::string(R"({"result":[2.5,4.0]})"));
    r = handleRest(m, "POST", "/v1/models/hp2:classify", R"({"signature_name": "classify_x_to_y", "examples": [{"x": 2.0}]})", l);
    QCOMPARE(r.body, std::string(R"({"result":[[["",3.0]]]})"));
    // regress_x2_to_y3 takes a float tensor (not tf.Examples): :predict runs it, :regress refuses it.
    r = handleRest(m, "POST", "/v1/models/hp2:predict", R"({"signature_name": "regress_x2_to_y3", "inputs": [[1.0], [3.0]]})", l);
    QCOMPARE(r.body, std::string(R"({"outputs":[[3.5],[4.5]]})"));
    // Errors: status classes and TF Serving's texts.
    r = handleRest(m, "POST", "/v1/models/hp2:predict", R"({"signature_name": "nope", "instances": [1.0]})", l);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.body, std::string(R"({"error":"Serving signature key 'nope' not found."})"));
    r = handleRest(m, "POST", "/v1/models/hp2/versions/7:predict", R"({"instances": [1.0]})", l);
    QCOMPARE(r.status, 404);
    r = handleRest(m, "POST", "/v1/models/other:predict", R"({"instances": [1.0]})", l);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.body, std::string(R"j({"error":"Servable not found for request: Latest(other)"})j"));
    r = handleRest(m, "POST", "/v1/models/hp2:predict", R"({"instances": ["a"]})", l);
    QCOMPARE(r.status, 400);
    r = handleRest(m, "POST", "/v1/models/hp2:regress", R"({"signature_name": "serving_default", "examples": [{"x": 1.0}]})", l);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.body, std::string(R"({"error":"Expected regression signature method_name to be tensorflow/serving/regress. Was: tensorflow/serving/predict"})"));
    r = handleRest(m, "GET", "/v1/models/hp2:predict", "", l);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.body, std::string(R"({"error":"Malformed request: GET /v1/models/hp2:predict"})"));
    // Status and metadata.
    r = handleRest(m, "GET", "/v1/models/hp2", "", l);
    QCOMPARE(r.status, 200);
    auto st = json::parse(r.body);
    QCOMPARE(st["model_version_status"][0]["version"].get<std::string>(), std::string("124"));
    QCOMPARE(st["model_version_status"][0]["state"].get<std::string>(), std::string("AVAILABLE"));
    QCOMPARE(st["model_version_status"][0]["status"]["error_code"].get<std::string>(), std::string("OK"));
    r = handleRest(m, "GET", "/v1/models/hp2/versions/124/metadata", "", l);
    QCOMPARE(r.status, 200);
    auto md = json::parse(r.body);
    QCOMPARE(md["model_spec"]["version"].get<std::string>(), std::string("124"));
    const json& sd = md["metadata"]["signature_def"]["signature_def"]["serving_default"];
    QCOMPARE(sd["method_name"].get<std::string>(), std::string("tensorflow/serving/predict"));
    QCOMPARE(sd["inputs"]["x"]["dtype"].get<std::string>(), std::string("DT_FLOAT"));
    QCOMPARE(sd["inputs"]["x"]["tensor_shape"]["dim"][0]["size"].get<std::string>(), std::string("-1"));
}

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
