#include "views/panels/node_properties.h"

#include <QUrl>

#include "model/loader/model_summary.h"
#include "views/tensor/tensor_stats.h"

namespace tfscope {
namespace {

QString q(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }
QString esc(std::string_view s) { return q(s).toHtmlEscaped(); }
QString link(const QString& scheme, std::string_view target, const QString& text) {
    return QStringLiteral("<a href=\"%1:%2\">%3</a>").arg(scheme, QString::fromLatin1(QUrl::toPercentEncoding(q(target))), text);
}

QString inputText(const GraphIndex& gi, const InputRef& in) {
    if (in.node == kNoNode) return q(in.raw) + QStringLiteral(" (missing)");
    if (in.control) return QLatin1Char('^') + q(gi.name(in.node));
    return q(gi.name(in.node)) + QLatin1Char(':') + QString::number(in.outputIndex);
}

}  // namespace

QString nodePropertiesText(const GraphIndex& gi, NodeId n) {
    QStringList lines;
    lines << QStringLiteral("name: ") + q(gi.name(n));
    lines << QStringLiteral("op: ") + q(gi.op(n));
    if (!gi.device(n).empty()) lines << QStringLiteral("device: ") + q(gi.device(n));
    for (const AttrDisplay& a : gi.attrs(n)) lines << QStringLiteral("attr ") + q(a.name) + QStringLiteral(": ") + q(a.text);
    int i = 0;
    for (const InputRef& in : gi.inputs(n)) lines << QStringLiteral("input %1: ").arg(i++) + inputText(gi, in);
    for (const ConsumerRef& c : gi.consumers(n))
        lines << (c.control ? QStringLiteral("control output: ") : QStringLiteral("output %1: ").arg(c.outputIndex)) +
                     q(gi.name(c.node));
    return lines.join(QLatin1Char('\n'));
}

QString nodePropertiesHtml(const GraphIndex& gi, NodeId n, const ModelSummary* summary) {
    QString h;
    h += QStringLiteral("<h3>%1</h3><table cellspacing=2>").arg(esc(gi.name(n)));
    auto row = [&](const QString& k, const QString& v) {
        h += QStringLiteral("<tr><td style='color:#666;padding-right:8px' valign=top>%1</td><td>%2</td></tr>").arg(k, v);
    };
    row(QStringLiteral("op"), QStringLiteral("<b>%1</b>").arg(esc(gi.op(n))));
    if (!gi.device(n).empty()) row(QStringLiteral("device"), esc(gi.device(n)));
    if (summary)
        for (size_t v = 0; v < summary->variables.size(); ++v)
            if (!summary->variables[v].graphNode.empty() && summary->variables[v].graphNode == gi.name(n))
                row(QStringLiteral("variable"), link(QStringLiteral("var"), std::to_string(v), esc(summary->variables[v].name)));
    h += QStringLiteral("</table><h4>Attributes</h4><table cellspacing=2>");
    for (const AttrDisplay& a : gi.attrs(n)) {
        QString value = esc(a.text);
        if (!a.functionNames.empty()) {
            QStringList links;
            for (const std::string& f : a.functionNames) links << link(QStringLiteral("func"), f, esc(f));
            value = links.join(QStringLiteral(", "));
        }
        row(esc(a.name), value);
    }
    h += QStringLiteral("</table><h4>Inputs</h4><table cellspacing=2>");
    int i = 0;
    for (const InputRef& in : gi.inputs(n)) {
        QString text = esc(inputText(gi, in).toStdString());
        row(in.control ? QStringLiteral("control") : QString::number(i),
            in.node == kNoNode ? text : link(QStringLiteral("node"), gi.name(in.node), text));
        if (!in.control) ++i;
    }
    h += QStringLiteral("</table><h4>Outputs</h4><table cellspacing=2>");
    for (const ConsumerRef& c : gi.consumers(n))
        row(c.control ? QStringLiteral("control") : QStringLiteral(":%1").arg(c.outputIndex),
            link(QStringLiteral("node"), gi.name(c.node), esc(gi.name(c.node))));
    h += QStringLiteral("</table>");
    return h;
}

}  // namespace tfscope

namespace tfscope {

QString nodeValuesHtml(const std::vector<std::pair<std::string, Tensor>>& values, const QString& error) {
    if (values.empty() && error.isEmpty()) return {};
    QString h = QStringLiteral("<h4>Last value</h4>");
    if (!error.isEmpty()) h += QStringLiteral("<p style='color:#c62828'>Evaluate failed: %1</p>").arg(error.toHtmlEscaped());
    constexpr int64_t kMaxStatsElements = int64_t(16) << 20;
    auto num = [](double v) { return QString::number(v, 'g', 8); };
    for (const auto& [tensor, t] : values) {
        h += QStringLiteral("<p><b>%1</b>: %2 %3").arg(esc(tensor), QString::fromLatin1(dtypeShortName(t.dtype())), QString::fromStdString(shapeToString(t.shape())).toHtmlEscaped());
        if (t.numElements() > kMaxStatsElements) {
            h += QStringLiteral("<br>statistics: open it in the tensor viewer (Evaluate)</p>");
            continue;
        }
        auto stats = computeTensorStats(t);
        if (!stats.ok() || !stats.value().numeric) {
            h += QStringLiteral("</p>");
            continue;
        }
        const TensorStats& st = stats.value();
        h += QStringLiteral("<table cellspacing=2>");
        auto row = [&](const QString& k, const QString& v) {
            h += QStringLiteral("<tr><td style='color:#666;padding-right:8px'>%1</td><td>%2</td></tr>").arg(k, v);
        };
        if (st.finite > 0) {
            row(QStringLiteral("min"), num(st.min));
            row(QStringLiteral("max"), num(st.max));
            row(QStringLiteral("mean"), num(st.mean));
            row(QStringLiteral("std"), num(st.stddev));
        }
        row(QStringLiteral("NaN"), QString::number(st.nans));
        row(QStringLiteral("Inf"), QString::number(st.infs));
        h += QStringLiteral("</table></p>");
    }
    return h;
}

}  // namespace tfscope
