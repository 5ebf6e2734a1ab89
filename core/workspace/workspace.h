#pragma once

// The connections a user works with and the one that is active: the saved list (without
// passwords), the demo cluster when started, and a DeploymentMonitor for each connection opened
// so far (the active one polled at the full rate, the others slower, each keeping its history
// and health badge). Widgets observe it through signals; it never blocks (all network work
// runs on core's worker threads). Create and use on the UI thread.

#include "core/monitor/deploymentmonitor.h"
#include "core/redis/redisurl.h"
#include "core/support/keychain.h"
#include "core/workspace/demohost.h"

#include <QList>
#include <QObject>

#include <memory>

namespace sdcore {

// Where a connection's password is kept between runs. Never in the settings file unless the user
// chose so, knowing it is plain text there.
enum class PasswordStorage {
    Session,        // in memory only: asked for again at the next connect
    Keychain,       // the system keychain (see keychain.h)
    SettingsFile,   // the settings file, in plain text: an explicit, warned opt-in
};

struct ConnectionEntry
{
    // Never changes, saved with the entry: signals and views name a connection by it, since
    // its position in the list moves (the demo is put first, others are removed).
    QString id;
    QString name;
    RedisUrl url;
    bool demo = false;
    bool readOnly = false;               // no writes: delete, failover
    bool production = false;             // multi-key deletes are confirmed by typing the name
    PasswordStorage passwordStorage = PasswordStorage::Session;
    bool needsPassword = false;          // the connection was given a password
    bool keychainPending = false;        // its password is being read from the keychain
    // It reached a master once, or the user chose to keep it anyway (saved): a connection that
    // never did is offered for removal instead of being retried at every start unasked.
    bool confirmed = false;
    bool askedToKeep = false;            // this session
    bool askedForPassword = false;       // since its password was last given
    DeploymentMonitor *monitor = nullptr;   // owned by the Workspace; null until first activated

    Health health() const
    {
        return monitor && monitor->lastSnapshot() ? monitor->lastSnapshot()->health : Health::Unknown;
    }
};

class Workspace final : public QObject
{
    Q_OBJECT
public:
    // With `persist`, the list is loaded from and saved to QSettings (passwords never saved).
    explicit Workspace(bool persist = true, QObject *parent = nullptr);
    ~Workspace() override;

    const QList<ConnectionEntry> &connections() const { return m_connections; }
    int activeIndex() const { return m_active; }
    QString activeId() const { return idAt(m_active); }
    // Where the connection with `id` is now, or -1 when it is gone.
    int indexOf(const QString &id) const;
    // The saved connection (not the demo) to the same target as `url`, password aside; -1: none.
    int indexOfTarget(const RedisUrl &url) const { return indexOfEntry(url); }
    QString idAt(int index) const;
    const ConnectionEntry *active() const;

    // Parses `urlText`; on success adds (or finds) the connection and returns its index. A
    // password in the URL is kept as `storage` says.
    Result<int> addConnection(const QString &urlText, const QString &name = {},
                              PasswordStorage storage = PasswordStorage::Session);
    // Adds (or finds) a connection to `url`, TLS options and password included.
    Result<int> addConnection(const RedisUrl &url, const QString &name = {},
                              PasswordStorage storage = PasswordStorage::Session);
    // Gives a connection its password (asked at connect time) and keeps it as `storage` says,
    // removing it from where it was kept before. A running monitor reconnects with it.
    void setPassword(int index, const QString &password, PasswordStorage storage);
    // A password the connection needs is neither known nor being read from the keychain.
    bool passwordMissing(int index) const;
    // Whether the keychain answered the last time it was asked (unknown until then), and why not.
    enum class KeychainState { Unknown, Available, Unavailable };
    KeychainState keychainState() const { return m_keychainState; }
    QString keychainProblem() const { return m_keychainProblem; }
    // Asks the keychain whether it works (keychainChecked follows).
    void checkKeychain();
    void removeConnection(int index);
    // A new display name; the connection is unchanged.
    void renameConnection(int index, const QString &name);
    // The user keeps a connection that never connected (neverConnected asked).
    void keepConnection(int index);
    void setReadOnly(int index, bool readOnly);
    void setProduction(int index, bool production);
    void activate(int index);
    // How a demo deployment is made (the app passes the lab's); without one there is no demo.
    void setDemoFactory(DemoFactory factory) { m_demoFactory = std::move(factory); }
    bool demoAvailable() const { return bool(m_demoFactory); }
    void startDemo();
    bool demoRunning() const { return m_demo != nullptr; }
    DemoHost *demo() const { return m_demo.get(); }
    void setPollInterval(int ms) { m_pollIntervalMs = ms; }
    // Options for monitors created from now on (tests shorten intervals, add prefixes).
    void setMonitorOptions(const MonitorOptions &options) { m_monitorOptions = options; }
    DeploymentMonitor *activeMonitor() const;

Q_SIGNALS:
    void connectionsChanged();
    void activeChanged(const QString &id);   // "" when none is
    // The active connection's snapshot.
    void snapshotUpdated(const sdcore::TopologySnapshot &snapshot);
    // Any connection's health may have changed (for badges).
    void healthChanged(const QString &id);
    void demoProgress(const QString &message);
    void demoReady(const sdcore::RedisUrl &url);
    void demoFailed(const QString &message);
    // activate() found no password for a connection that needs one: ask the user, then call
    // setPassword(). The connection is active but not polled until then.
    void passwordNeeded(const QString &id);
    void keychainChecked(sdcore::Workspace::KeychainState state);
    // A server refused the connection's credentials (`message`: its words, in SessionDeck's):
    // ask for the password again, then call setPassword(). Once until the password is given.
    void passwordRejected(const QString &id, const QString &message);
    // A connection that never reached its master failed its first poll of this session: ask
    // whether to keep it (keepConnection) or remove it (removeConnection).
    void neverConnected(const QString &id, const QString &message);
    // A password could not be kept in (or read from) the keychain; it stays for this session.
    void keychainFailed(const QString &id, const QString &message);

private:
    void load();
    void save() const;
    void applyRates();
    void startMonitor(int index);
    // What a poll says about a connection: it works (confirmed), its password was refused, or
    // it never connected.
    void noteOutcome(int index, const TopologySnapshot &snapshot);
    void storePassword(int index);
    void readPassword(int index);
    int indexOfEntry(const RedisUrl &url) const;
    static QString newId();
    static QString keychainKey(const ConnectionEntry &entry);
    // What an answer from the keychain says about whether it works.
    void noteKeychain(const keychain::Outcome &outcome);

    QList<ConnectionEntry> m_connections;
    int m_active = -1;
    bool m_persist;
    int m_pollIntervalMs = 1000;
    int m_backgroundIntervalMs = 5000;
    MonitorOptions m_monitorOptions;
    DemoFactory m_demoFactory;
    std::unique_ptr<DemoHost> m_demo;
    KeychainState m_keychainState = KeychainState::Unknown;
    QString m_keychainProblem;
};

} // namespace sdcore
