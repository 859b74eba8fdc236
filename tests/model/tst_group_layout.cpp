// The canvas's layout without Qt widgets (model/layout/): the group tree, edge bundling, re-layout
// after expand/collapse and the wrapping of wide source rows, on graphs built from compact text:
// "name<-input1,^ctrl;name2" (one node per ';').
#include <QTest>

#include <google/protobuf/text_format.h>

#include <cmath>
#include <map>

#include "graph.pb.h"
#include "model/graph/graph_index.h"
#include "model/layout/canvas_layout.h"
#include "model/layout/identical_groups.h"
#include "tests/graph_pbtxt.h"
#include "tests/graph_text.h"

using namespace tfscope;
using tfscope::testing::graphFrom;

namespace {

// "label" per element at one level, groups marked with '+', series with '*'.
QString levelText(const GroupTree& t, int g) {
    QStringList out;
    for (ElementRef e : t.children(g))
        out << (e.isGroup() ? (t.group(e.id).series ? QStringLiteral("*") : QStringLiteral("+")) + QString::fromStdString(t.group(e.id).label)
                            : QString::fromStdString(t.nodeLabel(e.id)));
    return out.join(QLatin1Char(' '));
}

const QString kGraph = QStringLiteral(
    "input; conv1/w; conv1/conv<-input,conv1/w; layer_1/x<-conv1/conv; layer_2/x<-layer_1/x; layer_3/x<-layer_2/x;"
    "layer_3/y<-layer_3/x,^conv1/w; out<-layer_3/y,layer_3/x; head; head/z<-out");

std::shared_ptr<const LevelLayout> rootLevel(const QString& text) {
    auto laid = relayoutCanvas(initialCanvasLayout(GroupTree::build(graphFrom(text))), -1, nullptr);
    if (!laid.ok()) return nullptr;
    return laid.value().levels.at(GroupTree::kRoot);
}

// Element count per row (by centre y) of a level, top to bottom.
std::vector<int> rowSizes(const LevelLayout& l) {
    std::map<long, int> rows;
    for (const LayoutPoint& c : l.centers) ++rows[std::lround(c.y)];
    std::vector<int> out;
    for (const auto& [y, n] : rows) out.push_back(n);
    return out;
}

bool overlapping(const LevelLayout& l) {
    for (size_t i = 0; i < l.centers.size(); ++i)
        for (size_t j = i + 1; j < l.centers.size(); ++j)
            if (std::abs(l.centers[i].x - l.centers[j].x) < (l.widths[i] + l.widths[j]) / 2 &&
                std::abs(l.centers[i].y - l.centers[j].y) < (l.heights[i] + l.heights[j]) / 2)
                return true;
    return false;
}

std::shared_ptr<const GraphIndex> residualUnits() {
    auto g = std::make_shared<tensorflow::GraphDef>();
    if (!google::protobuf::TextFormat::ParseFromString(residualUnitsText(), g.get())) return nullptr;
    auto index = GraphIndex::build(std::shared_ptr<const tensorflow::GraphDef>(g));
    return index.ok() ? index.value() : nullptr;
}

}  // namespace

class TestGroupLayout : public QObject {
    Q_OBJECT
private slots:
    void testTree() {
        auto index = graphFrom(kGraph);
        QVERIFY(index);
        auto tree = GroupTree::build(index);
        QCOMPARE(levelText(*tree, GroupTree::kRoot), QStringLiteral("+conv1 +head *layer_[1-3] input out"));
        int series = tree->findGroup("layer_[1-3]");
        QVERIFY(series > 0);
        QCOMPARE(levelText(*tree, series), QStringLiteral("+layer_1 +layer_2 +layer_3"));
        QCOMPARE(tree->group(series).totalNodes, 4);
        // A node named like a scope is shown inside it as "(head)".
        QCOMPARE(levelText(*tree, tree->findGroup("head")), QStringLiteral("(head) z"));
        NodeId y = index->find("layer_3/y");
        QVERIFY(tree->contains(series, y));
        QVERIFY(!tree->contains(tree->findGroup("conv1"), y));
        QCOMPARE(tree->childOf(GroupTree::kRoot, y).id, series);
    }

    void testBundledEdges() {
        auto tree = GroupTree::build(graphFrom(kGraph));
        auto level = computeLevelLayout(
            *tree, GroupTree::kRoot, [](int) { return nullptr; }, nullptr);
        QVERIFY(level.ok());
        QStringList edges;
        for (const LevelEdge& e : (*level)->edges) {
            auto name = [&](int i) {
                ElementRef r = (*level)->elements[size_t(i)];
                return QString::fromStdString(r.isGroup() ? tree->group(r.id).label : tree->nodeLabel(r.id));
            };
            edges << QStringLiteral("%1>%2x%3%4").arg(name(e.from), name(e.to)).arg(e.count).arg(e.control ? QStringLiteral("c") : QString());
        }
        edges.sort();
        // conv1 → series carries one data and one control edge; series → out two data edges.
        QCOMPARE(edges.join(QLatin1Char(' ')),
                 QStringLiteral("conv1>layer_[1-3]x2 input>conv1x1 layer_[1-3]>outx2 out>headx1"));
        for (const LevelEdge& e : (*level)->edges) QVERIFY(e.path.size() >= 2);
    }

    void testExpandCollapseRelayoutsOnlyWhatChanged() {
        auto tree = GroupTree::build(graphFrom(kGraph));
        auto first = relayoutCanvas(initialCanvasLayout(tree), -1, nullptr);
        QVERIFY(first.ok());
        QCOMPARE(first->levelsComputed, 1);
        const int series = tree->findGroup("layer_[1-3]"), l3 = tree->findGroup("layer_3");
        CanvasLayout next = *first;
        next.expanded[size_t(series)] = 1;
        auto expanded = relayoutCanvas(next, series, nullptr);
        QVERIFY(expanded.ok());
        QCOMPARE(expanded->levelsComputed, 2);  // the series interior + the root
        next = *expanded;
        next.expanded[size_t(l3)] = 1;
        auto deeper = relayoutCanvas(next, l3, nullptr);
        QCOMPARE(deeper->levelsComputed, 3);  // layer_3, the series, the root
        // The expanded series is bigger than its collapsed box.
        auto sizeOf = [&](const CanvasLayout& c, int g) {
            const LevelLayout& root = *c.levels.at(GroupTree::kRoot);
            for (size_t i = 0; i < root.elements.size(); ++i)
                if (root.elements[i].isGroup() && root.elements[i].id == g) return root.widths[i] * root.heights[i];
            return 0.0;
        };
        QVERIFY(sizeOf(*deeper, series) > sizeOf(*first, series));
        next = *deeper;
        next.expanded[size_t(series)] = 0;
        auto collapsed = relayoutCanvas(next, series, nullptr);
        QCOMPARE(collapsed->levelsComputed, 1);  // only the root; interiors stay cached
        QCOMPARE(sizeOf(*collapsed, series), sizeOf(*first, series));
    }

    // 30 unconnected nodes: a grid of at most ceil(sqrt(30)) = 6 per row, not one row of 30.
    void testWrapUnconnectedIntoGrid() {
        QString text;
        for (int i = 0; i < 30; ++i) text += QStringLiteral("n_%1;").arg(i);
        auto level = rootLevel(text);
        QVERIFY(level);
        const std::vector<int> rows = rowSizes(*level);
        QCOMPARE(rows.size(), size_t(5));
        for (int n : rows) QVERIFY(n <= 6);
        QVERIFY(!overlapping(*level));
        // Within the reported box, which starts at the origin.
        double maxW = 0;
        for (size_t i = 0; i < level->centers.size(); ++i) {
            QVERIFY(level->centers[i].x - level->widths[i] / 2 >= -0.01);
            QVERIFY(level->centers[i].y - level->heights[i] / 2 >= -0.01);
            QVERIFY(level->centers[i].x + level->widths[i] / 2 <= level->width + 0.01);
            QVERIFY(level->centers[i].y + level->heights[i] / 2 <= level->height + 0.01);
            maxW = std::max(maxW, level->widths[i]);
        }
        QVERIFY(level->width <= 6 * maxW + 5 * kWrapGap + 0.01);
    }

    // 20 variables feeding one call (a TF2 top level): the sources wrap above the call and their
    // edges run from each source's bottom to the call's top.
    void testWrapSourcesAboveTheirConsumer() {
        QString text, inputs;
        for (int i = 0; i < 20; ++i) {
            text += QStringLiteral("v_%1;").arg(i);
            inputs += (i ? QStringLiteral(",") : QString()) + QStringLiteral("v_%1").arg(i);
        }
        text += QStringLiteral("call<-") + inputs + QStringLiteral(";out<-call");
        auto level = rootLevel(text);
        QVERIFY(level);
        const std::vector<int> rows = rowSizes(*level);
        QCOMPARE(rows.size(), size_t(4 + 2));  // ceil(20 / 5) grid rows, then call, then out
        for (size_t r = 0; r < 4; ++r) QVERIFY(rows[r] <= 5);
        QVERIFY(!overlapping(*level));
        int call = -1, out = -1;
        const GroupTree tree = *GroupTree::build(graphFrom(text));
        for (size_t i = 0; i < level->elements.size(); ++i) {
            const std::string label = tree.nodeLabel(level->elements[i].id);
            if (label == "call") call = int(i);
            if (label == "out") out = int(i);
        }
        QVERIFY(call >= 0 && out >= 0);
        const double callTop = level->centers[size_t(call)].y - level->heights[size_t(call)] / 2;
        for (size_t i = 0; i < level->elements.size(); ++i)
            if (int(i) != call && int(i) != out) QVERIFY(level->centers[i].y + level->heights[i] / 2 < callTop);
        QVERIFY(level->centers[size_t(out)].y > level->centers[size_t(call)].y);
        QCOMPARE(level->edges.size(), size_t(21));
        for (const LevelEdge& e : level->edges) {
            QVERIFY(e.path.size() >= 2);
            if (e.from == call) continue;  // routed by the engine
            QCOMPARE(e.to, call);
            const LayoutPoint a = level->centers[size_t(e.from)], b = level->centers[size_t(e.to)];
            QCOMPARE(e.path.front().x, a.x);
            QCOMPARE(e.path.front().y, a.y + level->heights[size_t(e.from)] / 2);
            QVERIFY(std::abs(e.path.back().y - (b.y - level->heights[size_t(e.to)] / 2)) < 1.0);
        }
    }

    // Ranks that are fed (a fan-out) and short rows of sources stay as the engine laid them out.
    void testNoWrap() {
        QString fan = QStringLiteral("src;");
        for (int i = 0; i < 20; ++i) fan += QStringLiteral("t_%1<-src;").arg(i);
        auto level = rootLevel(fan);
        QVERIFY(level);
        QCOMPARE(rowSizes(*level), std::vector<int>({1, 20}));
        QString few;
        for (int i = 0; i < int(kWrapMinElements) - 1; ++i) few += QStringLiteral("n_%1;").arg(i);
        level = rootLevel(few);
        QVERIFY(level);
        QCOMPARE(rowSizes(*level), std::vector<int>({int(kWrapMinElements) - 1}));
    }

    // Same ops, wiring and weight shapes, whatever the names: unit_a..unit_d; unit_e (another
    // kernel shape) and unit_f (another wiring) match only themselves.
    void testIdenticalGroups() {
        auto index = residualUnits();
        QVERIFY(index);
        auto tree = GroupTree::build(index);
        auto paths = [&](const std::vector<int>& groups) {
            QStringList out;
            for (int g : groups) out << QString::fromStdString(tree->group(g).path);
            return out.join(QLatin1Char(' '));
        };
        QCOMPARE(paths(identicalGroups(*tree, tree->findGroup("unit_c"), nullptr)), QStringLiteral("unit_a unit_b unit_c unit_d"));
        QCOMPARE(paths(identicalGroups(*tree, tree->findGroup("unit_e"), nullptr)), QStringLiteral("unit_e"));
        QCOMPARE(paths(identicalGroups(*tree, tree->findGroup("unit_f"), nullptr)), QStringLiteral("unit_f"));
        QVERIFY(identicalGroups(*tree, GroupTree::kRoot, nullptr).empty());
    }
};

QTEST_GUILESS_MAIN(TestGroupLayout)
#include "tst_group_layout.moc"
