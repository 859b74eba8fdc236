#pragma once
// Small graphs for canvas tests, written as text: "a; b<-a; c<-a,b" is three Identity nodes, b
// reading a and c reading a and b. Null if the text does not make a valid graph.

#include <QString>
#include <QStringList>

#include <memory>

#include "graph.pb.h"
#include "model/graph/graph_index.h"

namespace tfscope::testing {

inline std::shared_ptr<const GraphIndex> graphFrom(const QString& text) {
    auto g = std::make_shared<tensorflow::GraphDef>();
    for (const QString& spec : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        auto* n = g->add_node();
        const QStringList parts = spec.trimmed().split(QStringLiteral("<-"));
        n->set_name(parts[0].toStdString());
        n->set_op("Identity");
        if (parts.size() > 1)
            for (const QString& in : parts[1].split(QLatin1Char(','))) n->add_input(in.trimmed().toStdString());
    }
    auto index = GraphIndex::build(g);
    return index.ok() ? index.value() : nullptr;
}

// n nodes "op_0".."op_{n-1}" in chains of ten (op_1 reads op_0, ...; op_10 starts a new chain):
// one flat level, wide enough to pass a lowered flat threshold.
inline QString flatChainsText(int n) {
    QString text;
    for (int i = 0; i < n; ++i)
        text += i % 10 ? QStringLiteral("op_%1<-op_%2;").arg(i).arg(i - 1) : QStringLiteral("op_%1;").arg(i);
    return text;
}

}  // namespace tfscope::testing
