#pragma once
// PropertiesPanel: shows nodePropertiesHtml() for the selected node in a text browser; links
// (nodes, functions, variables) are turned into signals. The window also shows its function
// trail (main graph › f › g) here.

#include <QTextBrowser>

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

signals:
    void nodeLinkActivated(const QString& nodeName);
    void functionLinkActivated(const QString& functionName);
    void variableLinkActivated(int variableIndex);
    void groupsLinkActivated(const QString& groups);  // "groups:3,17,42" links (canvas group ids)

private:
    void onAnchor(const QUrl& url);
    std::shared_ptr<const GraphIndex> m_index;
};

}  // namespace tfscope
