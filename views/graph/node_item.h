#pragma once
// NodeItem: one box on the graph canvas: a graph node (op), a collapsed group or series, or the
// frame of an expanded group. Holds ids, not core pointers (docs/architecture.md#ownership). Paints with level of
// detail: below ~0.4 zoom only the filled shape, no text.

#include <QColor>
#include <QGraphicsItem>
#include <QStaticText>
#include <QString>
#include <QStringList>

#include <vector>

namespace tfscope {

class NodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };
    enum class Kind { Op, Group, Series, Frame };

    NodeItem(Kind kind, int id, QRectF rect, QString title, QString subtitle, QColor fill);
    int type() const override { return Type; }
    Kind kind() const { return m_kind; }
    int id() const { return m_id; }   // NodeId for Op, group id otherwise
    bool isNode() const { return m_kind == Kind::Op; }
    const QString& title() const { return m_title; }
    // Lines under an op's type (the model view's folded weights): `texts` drawn, `names` the weight
    // each stands for ("" for none). A click on a named row calls GraphScene::weightClicked.
    void setRows(const QStringList& texts, const QStringList& names);
    const QStringList& rowNames() const { return m_rowNames; }
    // Row under `pos` (item coordinates), or -1.
    int rowAt(QPointF pos) const;
    // Scene rect of row `row`.
    QRectF rowRect(int row) const;
    // Drawn as a collapsed group (a stack of boxes): a function call the model view left closed.
    void setCollapsedLook(bool on) { m_collapsedLook = on; }
    bool hasCollapsedLook() const { return m_collapsedLook; }
    void setHighlighted(bool on);
    bool isHighlighted() const { return m_highlighted; }

    QRectF boundingRect() const override { return m_rect.adjusted(-2, -2, 2, 2); }
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void hoverMoveEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    Kind m_kind;
    int m_id;
    QRectF m_rect;      // in item coordinates (item pos is the scene origin of its level)
    QString m_title;
    QString m_subtitle;
    QColor m_fill;
    bool m_highlighted = false;
    // Laid out once; drawText() shaped every label again on every frame.
    QStaticText m_titleText;
    QStaticText m_subtitleText;
    QStaticText m_frameText;
    QStringList m_rowNames;
    std::vector<QStaticText> m_rowTexts;
    int m_hoverRow = -1;
    bool m_collapsedLook = false;
};

}  // namespace tfscope
