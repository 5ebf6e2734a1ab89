#include "core/workspace/workspace.h"

#include "core/support/keychain.h"

#include <QSettings>
#include <QUuid>

#include <spdlog/spdlog.h>

namespace sdcore {

Workspace::Workspace(bool persist, QObject *parent) : QObject(parent), m_persist(persist)
{
    if (m_persist)
        load();
}

Workspace::~Workspace()
{
    // Stop polling before the demo cluster's processes go away.
    for (ConnectionEntry &entry : m_connections) {
        delete entry.monitor;
        entry.monitor = nullptr;
    }
    m_demo.reset();
}

DeploymentMonitor *Workspace::activeMonitor() const
{
    const ConnectionEntry *entry = active();
    return entry ? entry->monitor : nullptr;
}

QString Workspace::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

int Workspace::indexOf(const QString &id) const
{
    if (id.isEmpty())
        return -1;
    for (int i = 0; i < m_connections.size(); ++i) {
        if (m_connections.at(i).id == id)
            return i;
    }
    return -1;
}

QString Workspace::idAt(int index) const
{
    return index >= 0 && index < m_connections.size() ? m_connections.at(index).id : QString();
}

const ConnectionEntry *Workspace::active() const
{
    return m_active >= 0 && m_active < m_connections.size() ? &m_connections.at(m_active) : nullptr;
}

// Short enough for the connection list; the full (redacted) URL is in the tooltip.
static QString defaultName(const RedisUrl &url)
{
    switch (url.kind()) {
    case RedisUrl::Kind::Sentinel:
        return QStringLiteral("%1 via %2%3")
            .arg(url.masterName(), url.hosts().first().toString(),
                 url.hosts().size() > 1 ? QStringLiteral(" +%1").arg(url.hosts().size() - 1)
                                        : QString());
    case RedisUrl::Kind::Cluster:
        return QStringLiteral("cluster %1%2")
            .arg(url.hosts().first().toString(),
                 url.hosts().size() > 1 ? QStringLiteral(" +%1").arg(url.hosts().size() - 1) : QString());
    case RedisUrl::Kind::Unix: return url.socketPath();
    case RedisUrl::Kind::Tcp: break;
    }
    return url.db() ? QStringLiteral("%1 db %2").arg(url.hosts().first().toString()).arg(url.db())
                    : url.hosts().first().toString();
}

Result<int> Workspace::addConnection(const QString &urlText, const QString &name, PasswordStorage storage)
{
    auto url = RedisUrl::parse(urlText);
    if (!url)
        return url.error();
    return addConnection(*url, name, storage);
}

Result<int> Workspace::addConnection(const RedisUrl &url, const QString &name, PasswordStorage storage)
{
    if (const int existing = indexOfEntry(url); existing >= 0) {
        if (url.hasPassword() && m_connections.at(existing).url.password() != url.password())
            setPassword(existing, url.password(), storage);
        return existing;
    }
    ConnectionEntry entry;
    entry.id = newId();
    entry.url = url;
    entry.name = name.isEmpty() ? defaultName(url) : name;
    entry.needsPassword = url.hasPassword();
    entry.passwordStorage = url.hasPassword() ? storage : PasswordStorage::Session;
    m_connections << entry;
    const int index = int(m_connections.size() - 1);
    storePassword(index);
    save();
    Q_EMIT connectionsChanged();
    return index;
}

static RedisUrl withoutPassword(RedisUrl url)
{
    url.setPassword(QString());
    return url;
}

int Workspace::indexOfEntry(const RedisUrl &url) const
{
    const RedisUrl bare = withoutPassword(url);
    for (int i = 0; i < m_connections.size(); ++i) {
        if (!m_connections.at(i).demo && withoutPassword(m_connections.at(i).url) == bare)
            return i;
    }
    return -1;
}

QString Workspace::keychainKey(const ConnectionEntry &entry)
{
    return QStringLiteral("connection ") + withoutPassword(entry.url).toString();
}

void Workspace::noteKeychain(const keychain::Outcome &outcome)
{
    if (outcome.ok() || outcome.code == keychain::Outcome::Code::NotFound) {
        m_keychainState = KeychainState::Available;
        m_keychainProblem.clear();
    } else if (outcome.code == keychain::Outcome::Code::Unavailable) {
        m_keychainState = KeychainState::Unavailable;
        m_keychainProblem = outcome.message;
    }
}

bool Workspace::passwordMissing(int index) const
{
    if (index < 0 || index >= m_connections.size())
        return false;
    const ConnectionEntry &e = m_connections.at(index);
    return e.needsPassword && !e.url.hasPassword() && !e.keychainPending;
}

void Workspace::setPassword(int index, const QString &password, PasswordStorage storage)
{
    if (index < 0 || index >= m_connections.size())
        return;
    ConnectionEntry &entry = m_connections[index];
    if (entry.passwordStorage == PasswordStorage::Keychain && storage != PasswordStorage::Keychain)
        keychain::remove(keychainKey(entry), this, {});
    entry.url.setPassword(password);
    entry.needsPassword = !password.isEmpty();
    entry.askedForPassword = false;   // a refusal of this one is asked about again
    entry.keychainPending = false;
    entry.passwordStorage = storage;
    storePassword(index);
    save();
    if (entry.monitor) {
        delete entry.monitor;
        entry.monitor = nullptr;
    }
    if (index == m_active)
        startMonitor(index);
    Q_EMIT connectionsChanged();
}

void Workspace::storePassword(int index)
{
    const ConnectionEntry &entry = m_connections.at(index);
    if (entry.passwordStorage != PasswordStorage::Keychain || !entry.url.hasPassword())
        return;
    const QString id = entry.id;
    keychain::write(keychainKey(entry), entry.url.password(), this, [this, id](const keychain::Outcome &o) {
        noteKeychain(o);
        if (o.ok())
            return;
        const int i = indexOf(id);
        if (i < 0)
            return;   // removed meanwhile
        // Kept for this session only; the file never gets it as a fallback.
        m_connections[i].passwordStorage = PasswordStorage::Session;
        save();
        spdlog::warn("the keychain did not take the password of {}: {}",
                     m_connections.at(i).url.toString().toStdString(), o.message.toStdString());
        Q_EMIT keychainFailed(id, o.message);
        Q_EMIT connectionsChanged();
    });
}

void Workspace::readPassword(int index)
{
    ConnectionEntry &entry = m_connections[index];
    entry.keychainPending = true;
    const QString id = entry.id;
    keychain::read(keychainKey(entry), this, [this, id](const keychain::Outcome &o) {
        const int i = indexOf(id);
        if (i < 0 || !m_connections.at(i).keychainPending)
            return;   // removed, or given a password meanwhile
        ConnectionEntry &e = m_connections[i];
        e.keychainPending = false;
        noteKeychain(o);
        if (o.ok()) {
            e.url.setPassword(o.secret);
        } else {
            const QString why = o.code == keychain::Outcome::Code::NotFound
                ? tr("the keychain holds no password for it")
                : o.message;
            spdlog::warn("no password from the keychain for {}: {}", e.url.toString().toStdString(),
                         why.toStdString());
            Q_EMIT keychainFailed(id, why);
        }
        if (i == m_active && !e.monitor) {
            if (passwordMissing(i))
                Q_EMIT passwordNeeded(id);
            else
                startMonitor(i);
        }
    });
}

void Workspace::checkKeychain()
{
    keychain::read(QStringLiteral("availability check"), this, [this](const keychain::Outcome &o) {
        noteKeychain(o);
        if (o.code == keychain::Outcome::Code::Failed) {   // there, but not working
            m_keychainState = KeychainState::Unavailable;
            m_keychainProblem = o.message;
        }
        Q_EMIT keychainChecked(m_keychainState);
    });
}

void Workspace::removeConnection(int index)
{
    if (index < 0 || index >= m_connections.size())
        return;
    delete m_connections.at(index).monitor;
    if (m_connections.at(index).passwordStorage == PasswordStorage::Keychain)
        keychain::remove(keychainKey(m_connections.at(index)), this, {});
    m_connections.removeAt(index);
    if (m_active == index) {
        m_active = -1;
        Q_EMIT activeChanged(QString());
    } else if (m_active > index) {
        --m_active;
    }
    save();
    Q_EMIT connectionsChanged();
}

void Workspace::setReadOnly(int index, bool readOnly)
{
    if (index < 0 || index >= m_connections.size())
        return;
    ConnectionEntry &entry = m_connections[index];
    entry.readOnly = readOnly;
    if (entry.monitor)
        entry.monitor->setReadOnly(readOnly);
    spdlog::info("{} is now {}", entry.url.toString().toStdString(), readOnly ? "read-only" : "writable");
    save();
    Q_EMIT connectionsChanged();
}

void Workspace::setProduction(int index, bool production)
{
    if (index < 0 || index >= m_connections.size())
        return;
    m_connections[index].production = production;
    save();
    Q_EMIT connectionsChanged();
}

void Workspace::activate(int index)
{
    if (index < 0 || index >= m_connections.size())
        return;
    m_active = index;
    // Without its password a connection is not polled: a poll would only collect NOAUTH.
    const bool missing = passwordMissing(index);
    if (!m_connections.at(index).monitor && !missing && !m_connections.at(index).keychainPending)
        startMonitor(index);
    applyRates();
    Q_EMIT activeChanged(m_connections.at(index).id);
    if (missing)
        Q_EMIT passwordNeeded(m_connections.at(index).id);
}

void Workspace::startMonitor(int index)
{
    ConnectionEntry &entry = m_connections[index];
    if (entry.monitor)
        return;
    spdlog::info("connecting to {}", entry.url.toString().toStdString());
    MonitorOptions options = m_monitorOptions;
    options.poller.intervalMs = m_pollIntervalMs;
    entry.monitor = new DeploymentMonitor(entry.url, options, this);
    entry.monitor->setReadOnly(entry.readOnly);
    DeploymentMonitor *monitor = entry.monitor;
    connect(monitor, &DeploymentMonitor::snapshotUpdated, this, [this, monitor](const TopologySnapshot &s) {
        if (activeMonitor() == monitor)
            Q_EMIT snapshotUpdated(s);
        for (int i = 0; i < m_connections.size(); ++i) {
            if (m_connections.at(i).monitor != monitor)
                continue;
            Q_EMIT healthChanged(m_connections.at(i).id);
            noteOutcome(i, s);
            break;
        }
    });
    monitor->start();
    applyRates();
    if (index == m_active)
        Q_EMIT activeChanged(entry.id);
}

void Workspace::noteOutcome(int index, const TopologySnapshot &s)
{
    ConnectionEntry &entry = m_connections[index];
    if (entry.demo)
        return;
    if (s.reachedPrimary()) {
        if (!entry.confirmed) {
            entry.confirmed = true;
            save();
        }
        return;
    }
    if (const QString auth = s.authProblem(); !auth.isEmpty()) {
        if (!entry.askedForPassword) {
            entry.askedForPassword = true;
            Q_EMIT passwordRejected(entry.id, auth);
        }
        return;
    }
    if (!entry.confirmed && !entry.askedToKeep) {
        entry.askedToKeep = true;
        Q_EMIT neverConnected(entry.id, s.problems.isEmpty() ? s.error : s.problems.first());
    }
}

void Workspace::renameConnection(int index, const QString &name)
{
    if (index < 0 || index >= m_connections.size() || name.trimmed().isEmpty())
        return;
    m_connections[index].name = name.trimmed();
    save();
    Q_EMIT connectionsChanged();
}

void Workspace::keepConnection(int index)
{
    if (index < 0 || index >= m_connections.size())
        return;
    m_connections[index].confirmed = true;
    save();
}

void Workspace::applyRates()
{
    // The connection in view is polled at the full rate and counted; the others keep their
    // history and badge at a gentler rate.
    for (int i = 0; i < m_connections.size(); ++i) {
        DeploymentMonitor *monitor = m_connections.at(i).monitor;
        if (!monitor)
            continue;
        const bool active = i == m_active;
        monitor->setPollIntervalMs(active ? m_pollIntervalMs : m_backgroundIntervalMs);
        monitor->setCensusEnabled(active && m_monitorOptions.census);
    }
}

void Workspace::startDemo()
{
    if (m_demo)
        return;
    if (!m_demoFactory) {
        Q_EMIT demoFailed(tr("this build has no demo"));
        return;
    }
    m_demo = m_demoFactory();
    connect(m_demo.get(), &DemoHost::progress, this, &Workspace::demoProgress);
    connect(m_demo.get(), &DemoHost::failed, this, [this](const QString &message) {
        // Let the user try again; the failed one is deleted outside its own signal.
        m_demo.release()->deleteLater();
        Q_EMIT demoFailed(message);
    });
    connect(m_demo.get(), &DemoHost::ready, this, [this](const RedisUrl &url) {
        ConnectionEntry entry;
        entry.id = newId();
        entry.name = tr("Demo cluster");
        entry.url = url;
        entry.demo = true;
        m_connections.prepend(entry);
        if (m_active >= 0)
            ++m_active;
        Q_EMIT connectionsChanged();
        Q_EMIT demoReady(url);
        activate(0);
    });
    m_demo->start();
}

void Workspace::load()
{
    QSettings settings;
    const int n = settings.beginReadArray(QStringLiteral("connections"));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        auto url = RedisUrl::parse(settings.value(QStringLiteral("url")).toString());
        if (!url) {
            spdlog::warn("ignoring a saved connection: {}", url.errorMessage().toStdString());
            continue;
        }
        ConnectionEntry entry;
        // A list saved before ids were: each entry's id is made from its URL, the same at every
        // start until the next save keeps it (loading saves nothing: an entry this build cannot
        // read stays in the file).
        entry.id = settings.value(QStringLiteral("id")).toString();
        if (entry.id.isEmpty())
            entry.id = QUuid::createUuidV5(QUuid(), withoutPassword(*url).toString()).toString(QUuid::WithoutBraces);
        if (indexOf(entry.id) >= 0)
            entry.id = newId();
        entry.url = *url;
        entry.name = settings.value(QStringLiteral("name"), defaultName(*url)).toString();
        entry.readOnly = settings.value(QStringLiteral("readOnly"), false).toBool();
        entry.production = settings.value(QStringLiteral("production"), false).toBool();
        // Lists saved before this was recorded held connections that worked.
        entry.confirmed = settings.value(QStringLiteral("confirmed"), true).toBool();
        entry.needsPassword = settings.value(QStringLiteral("needsPassword"), false).toBool();
        entry.passwordStorage = PasswordStorage(qBound(0, settings.value(QStringLiteral("passwordStorage"), 0).toInt(), 2));
        if (entry.passwordStorage == PasswordStorage::SettingsFile) {
            entry.url.setPassword(settings.value(QStringLiteral("password")).toString());
            spdlog::warn("the password of {} is kept unencrypted in {}, as chosen in the connection dialog",
                         entry.name.toStdString(), settings.fileName().toStdString());
        }
        m_connections << entry;
    }
    settings.endArray();
    for (int i = 0; i < m_connections.size(); ++i) {
        if (m_connections.at(i).passwordStorage == PasswordStorage::Keychain && m_connections.at(i).needsPassword)
            readPassword(i);
    }
}

void Workspace::save() const
{
    if (!m_persist)
        return;
    QSettings settings;
    settings.remove(QStringLiteral("connections"));   // no stale entry (or password) stays behind
    settings.beginWriteArray(QStringLiteral("connections"));
    int i = 0;
    for (const ConnectionEntry &entry : m_connections) {
        if (entry.demo)
            continue;
        // Passwords stay out of the settings file (the keychain keeps them, or they are asked
        // for again), unless the user chose to keep this one here.
        RedisUrl url = entry.url;
        url.setPassword(QString());
        settings.setArrayIndex(i++);
        settings.setValue(QStringLiteral("id"), entry.id);
        settings.setValue(QStringLiteral("name"), entry.name);
        settings.setValue(QStringLiteral("url"), url.toString());
        settings.setValue(QStringLiteral("readOnly"), entry.readOnly);
        settings.setValue(QStringLiteral("production"), entry.production);
        settings.setValue(QStringLiteral("confirmed"), entry.confirmed);
        settings.setValue(QStringLiteral("needsPassword"), entry.needsPassword);
        settings.setValue(QStringLiteral("passwordStorage"), int(entry.passwordStorage));
        if (entry.passwordStorage == PasswordStorage::SettingsFile && entry.url.hasPassword())
            settings.setValue(QStringLiteral("password"), entry.url.password());
    }
    settings.endArray();
}

} // namespace sdcore
