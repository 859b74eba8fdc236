#pragma once
// PropertiesPanel: shows nodePropertiesHtml() for the selected node in a text browser; links
// (nodes, functions, variables) are turned into signals. The window also shows its function
// trail (main graph › f › g) here. Below a node's properties, the HTML of setValuesHtml's function
// for it (the window: the last evaluated value of each output); refreshNode() redraws the node.

#include <QTextBrowser>

#include <functional>
#include <memory>

#include "model/graph/graph_index.h"

namespace tfscope {

struct ModelSummary;

class PropertiesPanel : public QTextBrowser {
    Q_OBJECT
public:
    explicit PropertiesPanel(QWidget* parent = nullptr);
    // `summary`: Not owned; must outlive the next call (the window keeps the Model alive).
    void showNode(std::shared_ptr<const GraphIndex> index, NodeId node, const ModelSummary* summary);
    void showText(const QString& html);
    void clearPanel();
    // HTML appended to a node's properties, by node name ("" for none).
    void setValuesHtml(std::function<QString(const QString& node)> valuesHtml) { m_valuesHtml = std::move(valuesHtml); }
    // Shows the node shown last again (its values may have changed); nothing if text is shown.
    void refreshNode();

signals:
    void nodeLinkActivated(const QString& nodeName);
    void functionLinkActivated(const QString& functionName);
    void variableLinkActivated(int variableIndex);
    void groupsLinkActivated(const QString& groups);  // "groups:3,17,42" links (canvas group ids)

private:
    void onAnchor(const QUrl& url);
    std::shared_ptr<const GraphIndex> m_index;
    NodeId m_node = kNoNode;  // kNoNode while text is shown
    const ModelSummary* m_summary = nullptr;
    std::function<QString(const QString&)> m_valuesHtml;
};

}  // namespace tfscope
