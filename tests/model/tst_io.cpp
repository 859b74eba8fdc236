// model/io: .npy/.npz read (fixtures written by numpy, tests/data/io/make_io_fixtures.py) and write
// (byte-exact round trips), the literal parser and the tf.Example builder.
#include <QtTest>

#include "example.pb.h"
#include "model/io/example_builder.h"
#include "model/io/input_args.h"
#include "model/io/literal.h"
#include "model/io/npy.h"
#include "model/io/npz.h"

using namespace tfscope;

namespace {
std::string fixture(const char* name) { return std::string(TFSCOPE_TEST_DATA) + "/io/" + name; }
}  // namespace

class TestIo : public QObject {
    Q_OBJECT
private slots:
    void testReadNumpyFiles();
    void testNpyRoundTrip();
    void testNpzReadWrite();
    void testNpyErrors();
    void testLiterals();
    void testLiteralErrors();
    void testExamples();
    void testRunInputs();
    void testSparseRunInputs();
};

void TestIo::testReadNumpyFiles() {
    auto f = io::readNpy(fixture("f32_2x3.npy"));
    QVERIFY2(f.ok(), f.status().toString().c_str());
    QCOMPARE(f.value().dtype(), DType::Float);
    QCOMPARE(f.value().shape(), (Shape{2, 3}));
    QCOMPARE(f.value().data<float>()[1], -2.0f);
    QCOMPARE(f.value().data<float>()[5], 6.25f);
    auto be = io::readNpy(fixture("i64_be.npy"));
    QVERIFY(be.ok());
    QCOMPARE(be.value().data<int64_t>()[2], int64_t(300000000000));
    QCOMPARE(be.value().data<int64_t>()[1], int64_t(-2));
    auto b = io::readNpy(fixture("bool_scalar.npy"));
    QVERIFY(b.ok());
    QCOMPARE(b.value().rank(), 0);
    QCOMPARE(b.value().data<bool>()[0], true);
    auto fo = io::readNpy(fixture("f64_fortran.npy"));
    QVERIFY(fo.ok());
    for (int i = 0; i < 6; ++i) QCOMPARE(fo.value().data<double>()[i], double(i));
    auto u = io::readNpy(fixture("unicode.npy"));
    QVERIFY(u.ok());
    QCOMPARE(u.value().strings(), (std::vector<std::string>{"a", "h\xc3\xa9llo"}));
    auto s = io::readNpy(fixture("bytes.npy"));
    QVERIFY(s.ok());
    QCOMPARE(s.value().strings(), (std::vector<std::string>{"x", "yz"}));
}

void TestIo::testNpyRoundTrip() {
    // What numpy wrote is what we write for the same array.
    auto orig = io::readFileBytes(fixture("f32_2x3.npy")).value();
    auto t = io::parseNpy(orig).value();
    QCOMPARE(io::encodeNpy(t).value(), orig);
    auto bytesOrig = io::readFileBytes(fixture("bytes.npy")).value();
    QCOMPARE(io::encodeNpy(io::parseNpy(bytesOrig).value()).value(), bytesOrig);
    auto boolOrig = io::readFileBytes(fixture("bool_scalar.npy")).value();
    QCOMPARE(io::encodeNpy(io::parseNpy(boolOrig).value()).value(), boolOrig);
    Tensor i = Tensor::fromVector<int32_t>({3}, {7, -8, 9});
    auto back = io::parseNpy(io::encodeNpy(i).value());
    QVERIFY(back.ok());
    QVERIFY(back.value().sameContent(i));
}

void TestIo::testNpzReadWrite() {
    auto two = io::readNpz(fixture("two.npz"));
    QVERIFY2(two.ok(), two.status().toString().c_str());
    QCOMPARE(two.value().size(), size_t(2));
    QCOMPARE(two.value().at("x").data<int32_t>()[2], 3);
    QCOMPARE(two.value().at("y").shape(), (Shape{2, 2}));
    auto written = io::encodeNpz(two.value());
    QVERIFY(written.ok());
    auto again = io::parseNpz(written.value());
    QVERIFY2(again.ok(), again.status().toString().c_str());
    QVERIFY(again.value().at("x").sameContent(two.value().at("x")));
    auto compressed = io::readNpz(fixture("compressed.npz"));
    QCOMPARE(compressed.status().code(), Status::Code::Unimplemented);
    QVERIFY2(compressed.status().message().find("np.savez_compressed") != std::string::npos, compressed.status().message().c_str());
}

void TestIo::testNpyErrors() {
    auto obj = io::readNpy(fixture("object.npy"));
    QCOMPARE(obj.status().code(), Status::Code::Unimplemented);
    auto bytes = io::readFileBytes(fixture("f32_2x3.npy")).value();
    auto truncated = io::parseNpy(std::string_view(bytes).substr(0, bytes.size() - 4));
    QVERIFY(!truncated.ok());
    QVERIFY2(truncated.status().message().find("truncated") != std::string::npos, truncated.status().message().c_str());
    QVERIFY(!io::parseNpy("hello").ok());
    auto missing = io::readNpy("/nonexistent/x.npy");
    QCOMPARE(missing.status().code(), Status::Code::NotFound);
}

void TestIo::testLiterals() {
    auto v = io::parseLiteral("[[1, 2], [3, 4]]");
    QVERIFY(v.ok());
    auto t = io::literalToTensor(v.value(), DType::Float);
    QVERIFY(t.ok());
    QCOMPARE(t.value().shape(), (Shape{2, 2}));
    QCOMPARE(t.value().data<float>()[3], 4.0f);
    auto inferred = io::literalToTensor(io::parseLiteral("[1.5, -2e3]").value(), DType::Invalid).value();
    QCOMPARE(inferred.dtype(), DType::Double);
    QCOMPARE(inferred.data<double>()[1], -2000.0);
    QCOMPARE(io::literalToTensor(io::parseLiteral("[1, 2]").value(), DType::Invalid).value().dtype(), DType::Int64);
    auto strs = io::literalToTensor(io::parseLiteral("['a', \"b c\"]").value(), DType::String).value();
    QCOMPARE(strs.strings(), (std::vector<std::string>{"a", "b c"}));
    auto b = io::literalToTensor(io::parseLiteral("(True, false,)").value(), DType::Invalid).value();
    QCOMPARE(b.dtype(), DType::Bool);
    QCOMPARE(b.data<bool>()[0], true);
    auto scalar = io::literalToTensor(io::parseLiteral("7").value(), DType::UInt8).value();
    QCOMPARE(scalar.rank(), 0);
    QCOMPARE(scalar.data<uint8_t>()[0], uint8_t(7));
    auto inf = io::literalToTensor(io::parseLiteral("[-inf, nan]").value(), DType::Float).value();
    QVERIFY(std::isinf(inf.data<float>()[0]) && inf.data<float>()[0] < 0);
    QVERIFY(std::isnan(inf.data<float>()[1]));
}

void TestIo::testLiteralErrors() {
    QCOMPARE(QString::fromStdString(io::literalToTensor(io::parseLiteral("[[1], [2, 3]]").value(), DType::Float).status().message()),
             QStringLiteral("The nested lists are ragged (not rectangular)."));
    QVERIFY(!io::parseLiteral("__import__('os')").ok());
    QVERIFY(!io::parseLiteral("[1, 2").ok());
    QCOMPARE(QString::fromStdString(io::literalToTensor(io::parseLiteral("['a']").value(), DType::Float).status().message()),
             QStringLiteral("Got a string for a DT_FLOAT input."));
}

void TestIo::testExamples() {
    auto t = io::examplesFromText(R"([{"x": [1.0, 2], "n": [3], "s": ["a"]}, {}])");
    QVERIFY2(t.ok(), t.status().toString().c_str());
    QCOMPARE(t.value().shape(), (Shape{2}));
    tensorflow::Example ex;
    QVERIFY(ex.ParseFromString(t.value().strings()[0]));
    const auto& f = ex.features().feature();
    QCOMPARE(f.at("x").float_list().value_size(), 2);
    QCOMPARE(f.at("x").float_list().value(1), 2.0f);
    QCOMPARE(f.at("n").int64_list().value(0), int64_t(3));
    QCOMPARE(f.at("s").bytes_list().value(0), std::string("a"));
    QVERIFY(!io::examplesFromText("[1, 2]").ok());
}

void TestIo::testRunInputs() {
    auto in = io::parseRunInputs("a=" + fixture("f32_2x3.npy") + ";b=" + fixture("two.npz") + "[y]", "c=[[1,2]]; d='s;t'",
                                 "e=[{'x':[1.0]}]", {{"c", DType::Int32}});
    QVERIFY2(in.ok(), in.status().toString().c_str());
    QCOMPARE(in.value().at("a").shape(), (Shape{2, 3}));
    QCOMPARE(in.value().at("b").dtype(), DType::UInt8);
    QCOMPARE(in.value().at("c").dtype(), DType::Int32);
    QCOMPARE(in.value().at("d").strings()[0], std::string("s;t"));
    QCOMPARE(in.value().at("e").dtype(), DType::String);
    auto dup = io::parseRunInputs("", "x=1;x=2", "", {});
    QCOMPARE(QString::fromStdString(dup.status().message()), QStringLiteral("Input key 'x' is given more than once."));
    auto noArray = io::parseRunInputs("b=" + fixture("two.npz") + "[zz]", "", "", {});
    QCOMPARE(noArray.status().code(), Status::Code::NotFound);
    auto noEq = io::parseRunInputs("", "[1]", "", {});
    QCOMPARE(QString::fromStdString(noEq.status().message()), QStringLiteral("Invalid --input_exprs item '[1]'; expected 'key=value'."));
}

// --input_exprs 'k=sparse(indices=..., values=..., dense_shape=...)': the three component inputs of
// a SparseTensor signature input (exec/sparse_feed.h), values cast to the expected dtype.
void TestIo::testSparseRunInputs() {
    auto in = io::parseRunInputs("", "sp=sparse(indices=[[0, 0], [1, 2]], values=[1, 2.5], dense_shape=[2, 3]); "
                                     "s=sparse(values=['a'], indices=[[0]], dense_shape=[4]); e=sparse(indices=[], values=[], dense_shape=[3, 1])",
                                 "", {{"sp", DType::Float}, {"s", DType::String}, {"e", DType::Int64}});
    QVERIFY2(in.ok(), in.status().toString().c_str());
    const auto& v = in.value();
    QCOMPARE(int(v.size()), 9);
    QCOMPARE(v.at("sp.indices").dtype(), DType::Int64);
    QCOMPARE(v.at("sp.indices").shape(), (Shape{2, 2}));
    QCOMPARE(v.at("sp.indices").data<int64_t>()[3], int64_t(2));
    QCOMPARE(v.at("sp.values").dtype(), DType::Float);
    QCOMPARE(v.at("sp.values").data<float>()[1], 2.5f);
    QCOMPARE(v.at("sp.dense_shape").dtype(), DType::Int64);
    QCOMPARE(v.at("sp.dense_shape").data<int64_t>()[1], int64_t(3));
    QCOMPARE(v.at("s.values").strings()[0], std::string("a"));
    // No entries: indices [0, rank] and values [0] of the expected dtype.
    QCOMPARE(v.at("e.indices").shape(), (Shape{0, 2}));
    QCOMPARE(v.at("e.values").dtype(), DType::Int64);
    QCOMPARE(v.at("e.values").shape(), (Shape{0}));

    auto missing = io::parseRunInputs("", "sp=sparse(indices=[[0]], values=[1])", "", {});
    QCOMPARE(QString::fromStdString(missing.status().message()),
             QStringLiteral("Input 'sp': The sparse(...) value has no 'dense_shape' field."));
    auto unknown = io::parseRunInputs("", "sp=sparse(indices=[[0]], values=[1], shape=[1])", "", {});
    QVERIFY2(unknown.status().message().find("Unknown sparse(...) field 'shape'") != std::string::npos, unknown.status().message().c_str());
    auto badValue = io::parseRunInputs("", "sp=sparse(indices=[[0]], values=['x'], dense_shape=[1])", "", {{"sp", DType::Float}});
    QVERIFY2(!badValue.ok() && badValue.status().message().find("Field 'values'") != std::string::npos, badValue.status().message().c_str());
}

QTEST_GUILESS_MAIN(TestIo)
#include "tst_io.moc"
