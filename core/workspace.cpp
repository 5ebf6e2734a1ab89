#include "workspace.h"

#include <QSettings>

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

ClusterMonitor *Workspace::activeMonitor() const
{
    const ConnectionEntry *entry = active();
    return entry ? entry->monitor : nullptr;
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
    case RedisUrl::Kind::Unix: return url.socketPath();
    case RedisUrl::Kind::Tcp: break;
    }
    return url.db() ? QStringLiteral("%1 db %2").arg(url.hosts().first().toString()).arg(url.db())
                    : url.hosts().first().toString();
}

Result<int> Workspace::addConnection(const QString &urlText, const QString &name)
{
    auto url = RedisUrl::parse(urlText);
    if (!url)
        return url.error();
    for (int i = 0; i < m_connections.size(); ++i) {
        if (m_connections.at(i).url == *url)
            return i;
    }
    ConnectionEntry entry;
    entry.url = *url;
    entry.name = name.isEmpty() ? defaultName(*url) : name;
    m_connections << entry;
    save();
    Q_EMIT connectionsChanged();
    return int(m_connections.size() - 1);
}

void Workspace::removeConnection(int index)
{
    if (index < 0 || index >= m_connections.size())
        return;
    delete m_connections.at(index).monitor;
    m_connections.removeAt(index);
    if (m_active == index) {
        m_active = -1;
        Q_EMIT activeChanged(-1);
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
    ConnectionEntry &entry = m_connections[index];
    if (!entry.monitor) {
        spdlog::info("connecting to {}", entry.url.toString().toStdString());
        MonitorOptions options = m_monitorOptions;
        options.poller.intervalMs = m_pollIntervalMs;
        entry.monitor = new ClusterMonitor(entry.url, options, this);
        entry.monitor->setReadOnly(entry.readOnly);
        ClusterMonitor *monitor = entry.monitor;
        connect(monitor, &ClusterMonitor::snapshotUpdated, this, [this, monitor](const ClusterSnapshot &s) {
            if (activeMonitor() == monitor)
                Q_EMIT snapshotUpdated(s);
            for (int i = 0; i < m_connections.size(); ++i) {
                if (m_connections.at(i).monitor == monitor)
                    Q_EMIT healthChanged(i);
            }
        });
        monitor->start();
    }
    applyRates();
    Q_EMIT activeChanged(index);
}

void Workspace::applyRates()
{
    // The connection in view is polled at the full rate and counted; the others keep their
    // history and badge at a gentler rate.
    for (int i = 0; i < m_connections.size(); ++i) {
        ClusterMonitor *monitor = m_connections.at(i).monitor;
        if (!monitor)
            continue;
        const bool active = i == m_active;
        monitor->setPollIntervalMs(active ? m_pollIntervalMs : m_backgroundIntervalMs);
        monitor->setCensusEnabled(active && m_monitorOptions.census);
    }
}

void Workspace::startDemo(DemoOptions options)
{
    if (m_demo)
        return;
    m_demo = std::make_unique<DemoCluster>(std::move(options));
    connect(m_demo.get(), &DemoCluster::progress, this, &Workspace::demoProgress);
    connect(m_demo.get(), &DemoCluster::failed, this, [this](const QString &message) {
        // Let the user try again; the failed one is deleted outside its own signal.
        m_demo.release()->deleteLater();
        Q_EMIT demoFailed(message);
    });
    connect(m_demo.get(), &DemoCluster::ready, this, [this](const RedisUrl &url) {
        ConnectionEntry entry;
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
        entry.url = *url;
        entry.name = settings.value(QStringLiteral("name"), defaultName(*url)).toString();
        entry.readOnly = settings.value(QStringLiteral("readOnly"), false).toBool();
        entry.production = settings.value(QStringLiteral("production"), false).toBool();
        m_connections << entry;
    }
    settings.endArray();
}

void Workspace::save() const
{
    if (!m_persist)
        return;
    QSettings settings;
    settings.beginWriteArray(QStringLiteral("connections"));
    int i = 0;
    for (const ConnectionEntry &entry : m_connections) {
        if (entry.demo)
            continue;
        // Passwords stay out of the settings file; they are asked for again.
        RedisUrl url = entry.url;
        url.setPassword(QString());
        settings.setArrayIndex(i++);
        settings.setValue(QStringLiteral("name"), entry.name);
        settings.setValue(QStringLiteral("url"), url.toString());
        settings.setValue(QStringLiteral("readOnly"), entry.readOnly);
        settings.setValue(QStringLiteral("production"), entry.production);
    }
    settings.endArray();
}

} // namespace sdcore
