// StringToHashBucketFast = FarmHash Fingerprint64 % num_buckets. With num_buckets = 2^63 - 1 the
// bucket shows 63 bits of the fingerprint; expected values are TF 2.15's, for every length class
// of the hash (0-16, 17-32, 33-64, the 64-byte loop and its tail) and UTF-8 text.
// kernel_test_util.h pulls in Eigen's thread pool, which must precede Qt's "signals" macro.
#include "kernel_test_util.h"

#include <QtTest>

#include <utility>

using namespace tfscope;
using tfscope::testing::NodeBuilder;
using tfscope::testing::runKernel;

class TestKernelsHash : public QObject {
    Q_OBJECT
private slots:
    void testMatchesTensorFlow() {
        const std::vector<std::pair<int, uint64_t>> generated = {
            {0, 1936946117179621456ULL}, {1, 1989441264542548944ULL}, {2, 517501906224121997ULL}, {3, 9018656902003835438ULL},
            {4, 6092676456446922633ULL}, {5, 119253671319612419ULL}, {6, 8283367197506611168ULL}, {7, 6265806977011293800ULL},
            {8, 3763094897936966320ULL}, {9, 2934288490178742200ULL}, {10, 6487376373763348549ULL}, {11, 5306900153921233362ULL},
            {12, 5012834747256489615ULL}, {13, 1606855478424160310ULL}, {14, 530554650156708597ULL}, {15, 1814546871089190216ULL},
            {16, 2408515269902202338ULL}, {17, 7470894669942020301ULL}, {18, 631713867308085999ULL}, {19, 1197648643777750489ULL},
            {20, 1873234707041796759ULL}, {21, 2742989898904217422ULL}, {22, 4089906799924762729ULL}, {23, 4847569379094496929ULL},
            {24, 5030316036572397144ULL}, {25, 8380917120099435658ULL}, {26, 2183209341048080054ULL}, {27, 2164102513924446986ULL},
            {28, 3977717758728276704ULL}, {29, 7972960715641406446ULL}, {30, 6258359002069954585ULL}, {31, 4409733629530309450ULL},
            {32, 7262496179668361456ULL}, {33, 2145923792037502946ULL}, {34, 806571765712096527ULL}, {35, 2378124318357988464ULL},
            {36, 4803161364997418282ULL}, {37, 8735716094105145862ULL}, {38, 4486641949030370565ULL}, {39, 2277675333395025357ULL},
            {40, 5965405107504813808ULL}, {41, 8285944589525144526ULL}, {42, 3744391823318620090ULL}, {43, 2992379290701470678ULL},
            {44, 1174408608789594085ULL}, {45, 6682358292629873369ULL}, {46, 5486156187912550579ULL}, {47, 8466284446698113484ULL},
            {48, 8175502732399042904ULL}, {49, 439787880094475488ULL}, {50, 3755041873114831527ULL}, {51, 820247304949214728ULL},
            {52, 2779201378578567451ULL}, {53, 8467324043687104444ULL}, {54, 6664992401189148653ULL}, {55, 101790721664444531ULL},
            {56, 152425411961169000ULL}, {57, 6415641385448008996ULL}, {58, 17462160000186192ULL}, {59, 6300396874682390340ULL},
            {60, 5802253066758770993ULL}, {61, 9223213498609959869ULL}, {62, 1259927620327950460ULL}, {63, 1375226438028846986ULL},
            {64, 7241680229346190462ULL}, {65, 4952122049349730131ULL}, {66, 7585799169588135724ULL}, {67, 1767606872785195624ULL},
            {68, 6962986097975438472ULL}, {69, 251467077771373284ULL}, {100, 4643886133485373644ULL}, {127, 4341620139270651546ULL},
            {128, 2895512862901239401ULL}, {129, 2187074211954640294ULL}, {200, 4911054226590149238ULL}, {255, 1301712708069122902ULL},
            {300, 4835017886859921353ULL},
        };
        const std::vector<std::pair<std::string, uint64_t>> named = {
            {"Cash", 6114303896073408804ULL},
            {"Credit Card", 2524611317601248177ULL},
            {"hello world", 6381520714923946011ULL},
            {"été", 4309181583525144727ULL},
        };
        std::vector<std::string> inputs;
        std::vector<uint64_t> want;
        for (const auto& [n, v] : generated) {  // same generator as the Python that asked TF
            std::string s;
            for (int i = 0; i < n; ++i) s += char(33 + (i * 7 + n * 3) % 90);
            inputs.push_back(s);
            want.push_back(v);
        }
        for (const auto& [s, v] : named) {
            inputs.push_back(s);
            want.push_back(v);
        }
        const int64_t n = int64_t(inputs.size());
        auto r = runKernel(NodeBuilder("StringToHashBucketFast").attr("num_buckets", int64_t(9223372036854775807LL)).build(),
                           {Tensor::fromStrings({n}, inputs)});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QCOMPARE(r->at(0).dtype(), DType::Int64);
        std::string wrong;
        for (int64_t i = 0; i < n; ++i)
            if (uint64_t(r->at(0).data<int64_t>()[i]) != want[size_t(i)])
                wrong += std::to_string(inputs[size_t(i)].size()) + ":" + std::to_string(r->at(0).data<int64_t>()[i]) + " ";
        QVERIFY2(wrong.empty(), ("lengths " + wrong).c_str());
        auto small = runKernel(NodeBuilder("StringToHashBucketFast").attr("num_buckets", int64_t(10)).build(), {Tensor::fromStrings({1}, {"Cash"})});
        QVERIFY(small.ok());
        QCOMPARE(small->at(0).data<int64_t>()[0], int64_t(want[size_t(n) - 4] % 10));
        auto bad = runKernel(NodeBuilder("StringToHashBucketFast").attr("num_buckets", int64_t(0)).build(), {Tensor::fromStrings({1}, {"x"})});
        QVERIFY(!bad.ok());
    }
};

QTEST_GUILESS_MAIN(TestKernelsHash)
#include "tst_kernels_hash.moc"
