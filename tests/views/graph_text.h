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

}  // namespace tfscope::testing
