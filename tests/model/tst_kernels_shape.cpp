// Shape kernels: Reshape, Squeeze, ExpandDims, Transpose, ConcatV2, Pack, Unpack, Split,
// Slice, StridedSlice (masks), GatherV2 (axis, batch_dims), Fill, Range, Tile, Pad, Where,
// OneHot, Cumsum, TopKV2, Unique, strings; and the errors for bad shapes.
// kernel_test_util.h pulls in Eigen's thread pool, which must precede Qt's "signals" macro.
#include "kernel_test_util.h"

#include <QtTest>

#include <algorithm>
#include <numeric>

using namespace tfscope;
using tfscope::testing::NodeBuilder;
using tfscope::testing::runKernel;

namespace {

Tensor f32(Shape s, std::vector<float> v) { return Tensor::fromVector<float>(std::move(s), v); }
Tensor i32(Shape s, std::vector<int32_t> v) { return Tensor::fromVector<int32_t>(std::move(s), v); }
Tensor iota(Shape s) {
    Tensor t(DType::Float, s);
    for (int64_t i = 0; i < t.numElements(); ++i) t.mutableData<float>()[i] = float(i);
    return t;
}
tensorflow::NodeDef node(const char* op) { return NodeBuilder(op).type("T", DType::Float).build(); }

#define EXPECT_SAME(got, want) QVERIFY2((got).sameContent(want), (shapeToString((got).shape()) + " vs " + shapeToString((want).shape())).c_str())

}  // namespace

class TestKernelsShape : public QObject {
    Q_OBJECT
private slots:
    void testReshape() {
        auto r = runKernel(node("Reshape"), {iota({2, 3}), i32({2}, {3, -1})});
        QVERIFY(r.ok());
        EXPECT_SAME(r->at(0), iota({3, 2}));
        auto bad = runKernel(node("Reshape"), {iota({2, 3}), i32({2}, {4, -1})});
        QVERIFY(!bad.ok());
        QVERIFY(bad.status().message().find("tensor with 6 values") != std::string::npos);
        auto two = runKernel(node("Reshape"), {iota({6}), i32({2}, {-1, -1})});
        QVERIFY(!two.ok());
    }
    void testSqueezeExpandDims() {
        auto s = runKernel(node("Squeeze"), {iota({1, 2, 1, 3})});
        QVERIFY(s.ok());
        QCOMPARE(s->at(0).shape(), (Shape{2, 3}));
        auto e = runKernel(node("ExpandDims"), {iota({2, 3}), i32({}, {-1})});
        QVERIFY(e.ok());
        QCOMPARE(e->at(0).shape(), (Shape{2, 3, 1}));
        QVERIFY(!runKernel(node("ExpandDims"), {iota({2, 3}), i32({}, {4})}).ok());
    }
    void testTransposeAgainstIndexing() {
        // Every permutation of rank 2 to 4, shapes off the 16-element tiles (and below 8, where the
        // row-by-row path runs), against out[i] = in[perm...] computed index by index.
        // {6, 50, 7, 12} is large enough to be split among threads (chunks start mid-tensor).
        const std::vector<Shape> shapes = {{19, 37}, {5, 3}, {3, 17, 21}, {2, 9, 4, 33}, {40, 8, 1}, {6, 50, 7, 12}};
        for (const Shape& shape : shapes) {
            std::vector<int> perm(shape.size());
            std::iota(perm.begin(), perm.end(), 0);
            do {
                Tensor x = iota(shape);
                std::vector<int32_t> p(perm.begin(), perm.end());
                auto t = runKernel(node("Transpose"), {x, i32({int64_t(p.size())}, p)});
                QVERIFY(t.ok());
                const Tensor& y = t->at(0);
                Shape outShape;
                for (int d : perm) outShape.push_back(shape[size_t(d)]);
                QCOMPARE(y.shape(), outShape);
                std::vector<int64_t> idx(shape.size(), 0);
                for (int64_t o = 0; o < y.numElements(); ++o) {
                    int64_t rem = o, src = 0;
                    for (size_t d = outShape.size(); d-- > 0;) {
                        idx[size_t(perm[d])] = rem % outShape[d];
                        rem /= outShape[d];
                    }
                    for (size_t d = 0; d < shape.size(); ++d) src = src * shape[d] + idx[d];
                    if (y.data<float>()[o] != float(src))
                        QFAIL(qPrintable(QStringLiteral("shape %1 perm %2: element %3 is %4, not %5")
                                             .arg(QString::fromStdString(shapeToString(shape)))
                                             .arg(QString::fromStdString(shapeToString(Shape(perm.begin(), perm.end()))))
                                             .arg(o)
                                             .arg(double(y.data<float>()[o]))
                                             .arg(src)));
                }
            } while (std::next_permutation(perm.begin(), perm.end()));
        }
    }
    void testTransposeConcatPack() {
        auto t = runKernel(node("Transpose"), {iota({2, 3}), i32({2}, {1, 0})});
        QVERIFY(t.ok());
        EXPECT_SAME(t->at(0), f32({3, 2}, {0, 3, 1, 4, 2, 5}));
        auto c = runKernel(node("ConcatV2"), {iota({2, 1}), iota({2, 2}), i32({}, {1})});
        QVERIFY(c.ok());
        EXPECT_SAME(c->at(0), f32({2, 3}, {0, 0, 1, 1, 2, 3}));
        auto p = runKernel(node("Pack"), {f32({2}, {1, 2}), f32({2}, {3, 4})});
        QVERIFY(p.ok());
        EXPECT_SAME(p->at(0), f32({2, 2}, {1, 2, 3, 4}));
        auto bad = runKernel(node("ConcatV2"), {iota({2, 1}), iota({3, 2}), i32({}, {1})});
        QVERIFY(!bad.ok());
        auto u = runKernel(NodeBuilder("Unpack").type("T", DType::Float).attr("num", 3).attr("axis", 1).build(), {iota({2, 3})}, 3);
        QVERIFY(u.ok());
        QCOMPARE(u->size(), size_t(3));
        EXPECT_SAME(u->at(2), f32({2}, {2, 5}));
        auto sp = runKernel(NodeBuilder("Split").type("T", DType::Float).attr("num_split", 2).build(), {i32({}, {0}), iota({4, 1})}, 2);
        QVERIFY(sp.ok());
        EXPECT_SAME(sp->at(1), f32({2, 1}, {2, 3}));
    }
    void testSlice() {
        auto s = runKernel(node("Slice"), {iota({3, 4}), i32({2}, {1, 1}), i32({2}, {-1, 2})});
        QVERIFY(s.ok());
        EXPECT_SAME(s->at(0), f32({2, 2}, {5, 6, 9, 10}));
        QVERIFY(!runKernel(node("Slice"), {iota({3, 4}), i32({2}, {2, 0}), i32({2}, {2, 1})}).ok());
    }
    void testStridedSlice() {
        Tensor x = iota({3, 4});
        auto ss = [&](std::vector<int32_t> b, std::vector<int32_t> e, std::vector<int32_t> s, NodeBuilder nb) {
            const int64_t n = int64_t(b.size());
            return runKernel(nb.type("T", DType::Float).build(), {x, i32({n}, b), i32({n}, e), i32({n}, s)});
        };
        auto rev = ss({-1}, {0}, {-1}, NodeBuilder("StridedSlice").attr("end_mask", 1));  // x[::-1]
        QVERIFY(rev.ok());
        EXPECT_SAME(rev->at(0), f32({3, 4}, {8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3}));
        auto col = ss({0, 1}, {0, 2}, {1, 1}, NodeBuilder("StridedSlice").attr("begin_mask", 1).attr("end_mask", 1).attr("shrink_axis_mask", 2));  // x[:, 1]
        QVERIFY(col.ok());
        EXPECT_SAME(col->at(0), f32({3}, {1, 5, 9}));
        auto last = ss({-1}, {0}, {1}, NodeBuilder("StridedSlice").attr("shrink_axis_mask", 1));  // x[-1]
        QVERIFY(last.ok());
        EXPECT_SAME(last->at(0), f32({4}, {8, 9, 10, 11}));
        auto ell = ss({0, 0}, {0, 2}, {1, 1}, NodeBuilder("StridedSlice").attr("ellipsis_mask", 1).attr("new_axis_mask", 0));  // x[..., 0:2]
        QVERIFY(ell.ok());
        EXPECT_SAME(ell->at(0), f32({3, 2}, {0, 1, 4, 5, 8, 9}));
        auto na = ss({0, 0}, {0, 0}, {1, 1}, NodeBuilder("StridedSlice").attr("new_axis_mask", 1).attr("end_mask", 2).attr("begin_mask", 2));  // x[None, :]
        QVERIFY(na.ok());
        QCOMPARE(na->at(0).shape(), (Shape{1, 3, 4}));
        auto step = ss({0, 3}, {3, 0}, {2, -2}, NodeBuilder("StridedSlice"));  // x[0:3:2, 3:0:-2]
        QVERIFY(step.ok());
        EXPECT_SAME(step->at(0), f32({2, 2}, {3, 1, 11, 9}));
        QVERIFY(!ss({5}, {6}, {1}, NodeBuilder("StridedSlice").attr("shrink_axis_mask", 1)).ok());
        QVERIFY(!ss({0}, {1}, {0}, NodeBuilder("StridedSlice")).ok());
    }
    void testGather() {
        auto g = runKernel(NodeBuilder("GatherV2").type("Tparams", DType::Float).build(), {iota({3, 2}), i32({2}, {2, 0}), i32({}, {0})});
        QVERIFY(g.ok());
        EXPECT_SAME(g->at(0), f32({2, 2}, {4, 5, 0, 1}));
        auto ax = runKernel(NodeBuilder("GatherV2").build(), {iota({2, 3}), i32({2, 1}, {2, 1}), i32({}, {1})});
        QVERIFY(ax.ok());
        EXPECT_SAME(ax->at(0), f32({2, 2, 1}, {2, 1, 5, 4}));
        auto bd = runKernel(NodeBuilder("GatherV2").attr("batch_dims", 1).build(), {iota({2, 3}), i32({2, 1}, {2, 0}), i32({}, {1})});
        QVERIFY(bd.ok());
        EXPECT_SAME(bd->at(0), f32({2, 1}, {2, 3}));
        auto oob = runKernel(NodeBuilder("GatherV2").build(), {iota({3, 2}), i32({1}, {3}), i32({}, {0})});
        QVERIFY(!oob.ok());
        QVERIFY(oob.status().message().find("indices[0] = 3 is not in [0, 3)") != std::string::npos);
    }
    void testFillRangeTilePad() {
        auto f = runKernel(NodeBuilder("Fill").build(), {i32({2}, {2, 2}), Tensor::scalar<float>(7)});
        QVERIFY(f.ok());
        EXPECT_SAME(f->at(0), f32({2, 2}, {7, 7, 7, 7}));
        auto r = runKernel(NodeBuilder("Range").build(), {i32({}, {1}), i32({}, {10}), i32({}, {4})});
        QVERIFY(r.ok());
        EXPECT_SAME(r->at(0), i32({3}, {1, 5, 9}));
        auto t = runKernel(node("Tile"), {f32({2}, {1, 2}), i32({1}, {3})});
        QVERIFY(t.ok());
        EXPECT_SAME(t->at(0), f32({6}, {1, 2, 1, 2, 1, 2}));
        auto p = runKernel(node("Pad"), {f32({2}, {1, 2}), i32({1, 2}, {1, 2})});
        QVERIFY(p.ok());
        EXPECT_SAME(p->at(0), f32({5}, {0, 1, 2, 0, 0}));
        auto m = runKernel(NodeBuilder("MirrorPad").type("T", DType::Float).attr("mode", "REFLECT").build(), {f32({3}, {1, 2, 3}), i32({1, 2}, {2, 1})});
        QVERIFY(m.ok());
        EXPECT_SAME(m->at(0), f32({6}, {3, 2, 1, 2, 3, 2}));
    }
    // Constant Pad and PadV2 against the definition, element by element: padded dims anywhere
    // (outer, inner, last, none), ranks 1-4, an NHWC image padded in H and W, and a MirrorPad of
    // the same shape (its own path) beside them.
    void testPadMatchesDefinition() {
        struct Case {
            Shape shape;
            std::vector<int32_t> pads;
        };
        const Case cases[] = {
            {{5}, {0, 0}},
            {{5}, {2, 3}},
            {{2, 3}, {0, 0, 1, 2}},
            {{2, 3}, {1, 1, 0, 0}},
            {{3, 1}, {0, 2, 2, 0}},
            {{1, 4, 5, 3}, {0, 0, 3, 3, 3, 3, 0, 0}},
            {{2, 3, 4, 2}, {1, 0, 0, 2, 1, 1, 0, 1}},
            {{2, 2, 2, 2}, {0, 0, 0, 0, 0, 0, 0, 0}},
            {{2, 3, 2}, {0, 0, 2, 1, 0, 0}},
            {{0, 3}, {1, 1, 0, 1}},
        };
        for (const Case& c : cases) {
            const int rank = int(c.shape.size());
            const Tensor x = iota(c.shape);
            const Tensor pads = i32({rank, 2}, c.pads);
            Shape outShape = c.shape;
            for (int d = 0; d < rank; ++d) outShape[size_t(d)] += c.pads[size_t(2 * d)] + c.pads[size_t(2 * d + 1)];
            Tensor want(DType::Float, outShape);
            for (int64_t o = 0; o < want.numElements(); ++o) {
                int64_t rem = o, src = 0, stride = 1;
                bool inside = true;
                for (int d = rank - 1; d >= 0; --d) {
                    const int64_t i = rem % outShape[size_t(d)] - c.pads[size_t(2 * d)];
                    rem /= outShape[size_t(d)];
                    inside = inside && i >= 0 && i < c.shape[size_t(d)];
                    src += i * stride;
                    stride *= c.shape[size_t(d)];
                }
                want.mutableData<float>()[o] = inside ? float(src) : -7.0f;
            }
            auto got = runKernel(node("PadV2"), {x, pads, Tensor::scalar<float>(-7.0f)});
            QVERIFY2(got.ok(), shapeToString(c.shape).c_str());
            EXPECT_SAME(got->at(0), want);
            for (int64_t o = 0; o < want.numElements(); ++o)
                if (want.data<float>()[o] == -7.0f) want.mutableData<float>()[o] = 0.0f;
            auto zeros = runKernel(node("Pad"), {x, pads});
            QVERIFY(zeros.ok());
            EXPECT_SAME(zeros->at(0), want);
        }
        auto m = runKernel(NodeBuilder("MirrorPad").type("T", DType::Float).attr("mode", "SYMMETRIC").build(),
                           {iota({2, 3}), i32({2, 2}, {1, 0, 0, 2})});
        QVERIFY(m.ok());
        EXPECT_SAME(m->at(0), f32({3, 5}, {0, 1, 2, 2, 1, 0, 1, 2, 2, 1, 3, 4, 5, 5, 4}));
    }
    // Reduction axes of each side's gradient; expected values are TF 2.15's answers.
    void testBroadcastGradientArgs() {
        struct Case { std::vector<int32_t> a, b, r0, r1; };
        const Case cases[] = {
            {{}, {}, {}, {}}, {{1}, {1}, {}, {}}, {{2, 1}, {2, 3}, {1}, {}}, {{3}, {2, 3}, {0}, {}},
            {{1, 1}, {1}, {0, 1}, {0, 1}}, {{}, {4, 1}, {0, 1}, {1}}, {{1, 2, 1}, {5, 1, 1}, {0, 2}, {1, 2}}, {{0}, {1}, {}, {0}},
        };
        for (const Case& c : cases) {
            auto r = runKernel(NodeBuilder("BroadcastGradientArgs").type("T", DType::Int32).build(),
                               {i32({int64_t(c.a.size())}, c.a), i32({int64_t(c.b.size())}, c.b)}, 2);
            QVERIFY2(r.ok(), r.status().toString().c_str());
            EXPECT_SAME(r->at(0), i32({int64_t(c.r0.size())}, c.r0));
            EXPECT_SAME(r->at(1), i32({int64_t(c.r1.size())}, c.r1));
        }
        auto bad = runKernel(NodeBuilder("BroadcastGradientArgs").type("T", DType::Int32).build(), {i32({1}, {2}), i32({1}, {3})}, 2);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.status().message().find("Incompatible shapes") != std::string::npos, bad.status().message().c_str());
    }
    void testWhereOneHotCumsumTopK() {
        auto w = runKernel(NodeBuilder("Where").build(), {Tensor::fromVector<bool>({2, 2}, {false, true, true, false})});
        QVERIFY(w.ok());
        EXPECT_SAME(w->at(0), Tensor::fromVector<int64_t>({2, 2}, {0, 1, 1, 0}));
        auto oh = runKernel(NodeBuilder("OneHot").build(), {i32({3}, {0, 2, 5}), i32({}, {3}), Tensor::scalar<float>(1), Tensor::scalar<float>(0)});
        QVERIFY(oh.ok());
        EXPECT_SAME(oh->at(0), f32({3, 3}, {1, 0, 0, 0, 0, 1, 0, 0, 0}));
        auto cs = runKernel(NodeBuilder("Cumsum").attr("exclusive", true).build(), {f32({3}, {1, 2, 3}), i32({}, {0})});
        QVERIFY(cs.ok());
        EXPECT_SAME(cs->at(0), f32({3}, {0, 1, 3}));
        auto tk = runKernel(NodeBuilder("TopKV2").build(), {f32({4}, {1, 3, 3, 2}), i32({}, {2})}, 2);
        QVERIFY(tk.ok());
        EXPECT_SAME(tk->at(0), f32({2}, {3, 3}));
        EXPECT_SAME(tk->at(1), i32({2}, {1, 2}));
        auto u = runKernel(NodeBuilder("Unique").build(), {i32({5}, {4, 1, 4, 2, 1})}, 2);
        QVERIFY(u.ok());
        EXPECT_SAME(u->at(0), i32({3}, {4, 1, 2}));
        EXPECT_SAME(u->at(1), i32({5}, {0, 1, 0, 2, 1}));
    }
    void testStrings() {
        auto a = runKernel(NodeBuilder("AsString").build(), {i32({2}, {-1, 20})});
        QVERIFY(a.ok());
        EXPECT_SAME(a->at(0), Tensor::fromStrings({2}, {"-1", "20"}));
        auto rj = runKernel(NodeBuilder("ReduceJoin").attr("separator", ",").build(),
                            {Tensor::fromStrings({2, 2}, {"a", "b", "c", "d"}), i32({1}, {1})});
        QVERIFY(rj.ok());
        EXPECT_SAME(rj->at(0), Tensor::fromStrings({2}, {"a,b", "c,d"}));
        auto re = runKernel(NodeBuilder("StaticRegexReplace").attr("pattern", "o+").attr("rewrite", "0").build(),
                            {Tensor::fromStrings({1}, {"foo boo"})});
        QVERIFY(re.ok());
        EXPECT_SAME(re->at(0), Tensor::fromStrings({1}, {"f0 b0"}));
    }
};

QTEST_GUILESS_MAIN(TestKernelsShape)
#include "tst_kernels_shape.moc"
