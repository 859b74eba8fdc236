#include "views/panels/properties_panel.h"

#include <QScrollBar>
#include <QUrl>

#include "views/panels/node_properties.h"

namespace tfscope {

PropertiesPanel::PropertiesPanel(QWidget* parent) : QTextBrowser(parent) {
    setOpenLinks(false);
    setOpenExternalLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, &PropertiesPanel::onAnchor);
    clearPanel();
}

void PropertiesPanel::showNode(std::shared_ptr<const GraphIndex> index, NodeId node, const ModelSummary* summary) {
    m_index = std::move(index);
    if (!m_index || node < 0 || node >= m_index->nodeCount()) return clearPanel();
    m_node = node;
    m_summary = summary;
    refreshNode();
}

void PropertiesPanel::refreshNode() {
    if (!m_index || m_node == kNoNode) return;
    QString html = nodePropertiesHtml(*m_index, m_node, m_summary);
    if (m_valuesHtml) {
        const std::string_view name = m_index->name(m_node);
        html += m_valuesHtml(QString::fromUtf8(name.data(), qsizetype(name.size())));
    }
    const int scroll = verticalScrollBar()->value();
    setHtml(html);
    verticalScrollBar()->setValue(scroll);
}

void PropertiesPanel::showText(const QString& html) {
    m_node = kNoNode;
    setHtml(html);
}

void PropertiesPanel::clearPanel() {
    m_node = kNoNode;
    setHtml(QStringLiteral("<p style='color:#888'>Select a node in the graph or an item in the tree.</p>"));
}

void PropertiesPanel::onAnchor(const QUrl& url) {
    const QString s = url.toString(QUrl::FullyDecoded);
    const qsizetype colon = s.indexOf(QLatin1Char(':'));
    if (colon < 0) return;
    const QString scheme = s.left(colon), target = s.mid(colon + 1);
    if (scheme == QLatin1String("node")) emit nodeLinkActivated(target);
    else if (scheme == QLatin1String("func")) emit functionLinkActivated(target);
    else if (scheme == QLatin1String("var")) emit variableLinkActivated(target.toInt());
    else if (scheme == QLatin1String("groups")) emit groupsLinkActivated(target);
}

}  // namespace tfscope
