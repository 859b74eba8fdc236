#pragma once
// Helpers of the load-time optimizer suites (tst_optimize, tst_fuse_elementwise): float ops in
// text-format GraphDefs, sessions and exec graphs built with the optimizer on or off, the ops a
// fetch's plan runs, and a deterministic float input.
//
//   std::string g = op("y", "Mul", {"x", "c"});
//   auto opt = sessionFor(g, true), plain = sessionFor(g, false);
//   QCOMPARE(countOf(plannedOps(*graphOf(g, true, &storage), "y"), "Mul"), 1);
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "graph.pb.h"
#include "graph_pbtxt.h"
#include "meta_graph.pb.h"
#include "model/exec/exec_graph.h"
#include "model/exec/executor.h"
#include "model/exec/optimize/optimize.h"
#include "model/exec/session.h"
#include "node_def.pb.h"

namespace tfscope::testing {

// A float op (T: DT_FLOAT) NAME of TYPE reading INPUTS, with EXTRA attributes.
inline std::string op(const std::string& name, const std::string& type, const std::vector<std::string>& inputs, const std::string& extra = "") {
    std::string s = "node { name: '" + name + "' op: '" + type + "'";
    for (const auto& i : inputs) s += " input: '" + i + "'";
    return s + kFloatT + extra + "}\n";
}

// A Session on the graph TEXT built with the optimizer on or off (on again afterwards); null if
// the text does not parse or the session cannot be made.
inline std::unique_ptr<exec::Session> sessionFor(const std::string& text, bool optimize) {
    exec::setGraphOptimizerEnabled(optimize);
    auto mg = std::make_shared<tensorflow::MetaGraphDef>();
    std::unique_ptr<exec::Session> out;
    if (google::protobuf::TextFormat::ParseFromString(text, mg->mutable_graph_def())) {
        auto s = exec::Session::create(mg, {});
        if (s.ok()) out = std::move(s).value();
    }
    exec::setGraphOptimizerEnabled(true);
    return out;
}

// The fused ExecGraph of TEXT (parsed into *storage, which must outlive it), optimizer on or off.
inline std::shared_ptr<const exec::ExecGraph> graphOf(const std::string& text, bool optimize, tensorflow::GraphDef* storage) {
    exec::setGraphOptimizerEnabled(optimize);
    std::shared_ptr<const exec::ExecGraph> out;
    if (google::protobuf::TextFormat::ParseFromString(text, storage)) {
        auto g = exec::ExecGraph::fromGraphDef(*storage, nullptr, true);
        if (g.ok()) out = std::move(g).value();
    }
    exec::setGraphOptimizerEnabled(true);
    return out;
}

// The ops the run of `fetch` executes (its plan), in order.
inline std::vector<std::string> plannedOps(const exec::ExecGraph& g, const std::string& fetch) {
    std::vector<std::string> ops;
    auto e = g.endpoint(fetch);
    if (!e.ok()) return ops;
    auto order = exec::Executor::plan(g, {}, {e.value()}, {});
    if (!order.ok()) return ops;
    for (int n : order.value())
        if (g.node(n).def) ops.push_back(g.node(n).def->op());
    return ops;
}

inline int countOf(const std::vector<std::string>& ops, const std::string& name) { return int(std::count(ops.begin(), ops.end(), name)); }

// A float tensor of SHAPE holding sin(0.7 i) * scale.
inline Tensor input(const std::vector<int64_t>& shape, float scale = 2.0f) {
    Tensor t(DType::Float, Shape(shape));
    for (int64_t i = 0; i < t.numElements(); ++i) t.mutableData<float>()[i] = std::sin(float(i) * 0.7f) * scale;
    return t;
}

}  // namespace tfscope::testing
