#pragma once

// The Sessions page's detail pane: the selected session's key, what it holds decoded (fields,
// value, raw bytes), and its TTL counting down from the read. It shows what the page hands it;
// Refresh and Load whole value are asked of the page, which reads through the SessionBrowser.

#include <QByteArray>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

namespace sdcore {
struct DecodedSession;
}

namespace sdui {

class SessionDetail final : public QWidget
{
    Q_OBJECT
public:
    explicit SessionDetail(QWidget *parent = nullptr);

    // The session being read: its key shown, the rest waiting for showSession().
    void showLoading(const QByteArray &key);
    void showSession(const sdcore::DecodedSession &session);
    // A short note about the shown session ("Could not read it: …", "This session was deleted.").
    void showNote(const QString &note);
    // Nothing shown; `why` takes the key's place.
    void clear(const QString &why);
    // The key shown, empty when none is.
    QByteArray key() const { return m_key; }
    QString keyText() const;
    // Counts the TTL down (called every second).
    void tick();

Q_SIGNALS:
    void refreshRequested(const QByteArray &key);
    void wholeValueRequested(const QByteArray &key);

private:
    void clearContent();

    QLabel *m_keyLabel = nullptr;
    QLabel *m_info = nullptr;
    QLabel *m_ttl = nullptr;
    QTreeWidget *m_fields = nullptr;
    QPlainTextEdit *m_json = nullptr;
    QPlainTextEdit *m_raw = nullptr;
    QPushButton *m_whole = nullptr;
    QByteArray m_key;
    qint64 m_pttl = -2;
    qint64 m_fetchedMs = 0;
};

} // namespace sdui
