#pragma once
// GraphView: the canvas viewport: wheel and Ctrl +/- zoom (clamped, docs/architecture.md#graph-canvas), drag to pan,
// Ctrl+0 fit, double-click on a group to expand or collapse it, export to PNG or SVG.

#include <QGraphicsView>

namespace tfscope {

class NodeItem;

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    explicit GraphView(QWidget* parent = nullptr);

    void scaleView(qreal factor);
    qreal zoom() const { return transform().m11(); }
    void fitAll();
    // Renders the whole scene. Errors are returned as text ("" = ok).
    // The whole graph at `scale` image pixels per scene unit (2 = twice the layout's size).
    QString exportPng(const QString& path, double scale = 1.0) const;
    QString exportSvg(const QString& path) const;

signals:
    void groupActivated(int group);      // double-click on a group, series or frame title
    void nodeActivated(int node);        // double-click on an op node
    void viewportChanged();
    // Right click on an op node / on a group, series or frame title (global position `pos`).
    void nodeContextMenu(int node, const QPoint& pos);
    void groupContextMenu(int group, const QPoint& pos);

protected:
    void contextMenuEvent(QContextMenuEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    void resizeEvent(QResizeEvent* event) override;
};

}  // namespace tfscope
