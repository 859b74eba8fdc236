#pragma once
// Minimap: a small overview of the whole scene (rendered once per layout into a pixmap, so it
// costs nothing per frame) with the main view's visible area as a rectangle; clicking or dragging
// in it moves the main view.

#include <QPixmap>
#include <QWidget>

namespace tfscope {

class GraphView;

class Minimap : public QWidget {
    Q_OBJECT
public:
    explicit Minimap(GraphView* main, QWidget* parent = nullptr);  // main: Not owned; must outlive this.
    // Re-renders the overview (call after the scene changed).
    void refit();
    void updateVisibility();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    QPointF toScene(QPointF p) const;
    GraphView* m_main;
    QPixmap m_pixmap;
    QRectF m_sceneRect;
    QRectF m_target;   // where the scene is drawn in widget coordinates
};

}  // namespace tfscope
