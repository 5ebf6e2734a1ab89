#pragma once

// Starts real redis-server / redis-sentinel processes on loopback in a temporary folder, for the
// demo and the tests: a single server, 1 master + N replicas + M sentinels, or a Redis Cluster
// (P primaries with R replicas each). Every process it
// started is stopped by pid when the launcher is destroyed; if the owning process dies first the
// kernel kills them (PR_SET_PDEATHSIG), so the thread that calls start must outlive the cluster.
// Blocking: use from one thread (the tests' main thread, or the demo's worker thread).

#include "core/redis/redisurl.h"
#include "core/support/result.h"

#include <QList>
#include <QString>

#include <atomic>
#include <memory>
#include <sys/types.h>

class QTemporaryDir;

namespace sdcore {

struct LauncherOptions
{
    int replicas = 2;
    int sentinels = 3;
    int quorum = 2;
    int downAfterMs = 1000;
    // Also how long a sentinel waits before retrying a failed election (twice this), so short.
    int failoverTimeoutMs = 5000;
    QString masterName = QStringLiteral("sessiondeck");
    // requirepass/masterauth on the Redis nodes and auth-pass on the sentinels when set.
    QString password;
    // An extra ACL user with all permissions on the Redis nodes, when set.
    QString aclUser;
    QString aclPassword;
    // TLS only (port 0, tls-port), replication and Sentinel included, with certificates the
    // launcher makes for 127.0.0.1 and localhost (see makeCertificates). The launcher's URLs
    // carry the CA and, for tlsAuthClients, the client certificate.
    bool tls = false;
    bool tlsAuthClients = false;
    int readyTimeoutMs = 30000;
    // Redis Cluster: shards, replicas of each, and cluster-node-timeout (short, so that tests
    // see a failover within seconds: about 2.3 s after a primary dies at 1000 ms).
    int clusterPrimaries = 3;
    int clusterReplicas = 1;
    int clusterNodeTimeoutMs = 1000;
};

// PEM files: a CA certificate, and a certificate it signed for 127.0.0.1 and localhost (good for
// server and client authentication) with its key.
struct TlsFiles
{
    QString caFile;
    QString certFile;
    QString keyFile;
};

class LocalLauncher
{
public:
    enum class Role { Master, Replica, Sentinel, Standalone, ClusterNode };

    struct Node
    {
        QString name;            // "master", "replica-1", "sentinel-2", "redis"
        Role role = Role::Standalone;   // the role it was started with
        quint16 port = 0;
        pid_t pid = 0;           // 0 when not running
        quint16 busPort = 0;     // cluster bus (cluster-port), cluster nodes only
        bool paused = false;
        QString configPath;
        QString logPath;
    };

    explicit LocalLauncher(LauncherOptions options = {});
    ~LocalLauncher();
    LocalLauncher(const LocalLauncher &) = delete;
    LocalLauncher &operator=(const LocalLauncher &) = delete;

    // Whether redis-server (and redis-sentinel) can be found; a message says how to install them.
    static Status checkBinaries();
    // Makes a fresh CA named `caName` and a certificate it signed, with the openssl command,
    // in `dir` (files prefixed with `prefix`). Valid for two days.
    static Result<TlsFiles> makeCertificates(const QString &dir, const QString &prefix,
                                             const QString &caName);
    // The files the TLS cluster uses (empty without LauncherOptions::tls).
    TlsFiles tlsFiles() const { return m_tlsFiles; }

    Status startStandalone();
    // Starts master, replicas (waits for their sync), then sentinels, and waits until every
    // sentinel names the same master and knows all replicas and the other sentinels.
    Status startSentinelDeployment();
    // Starts clusterPrimaries × (1 + clusterReplicas) cluster nodes ("cluster-1", …), joins them
    // with `redis-cli --cluster create`, and waits until every node reports cluster_state:ok,
    // knows every other node, and every replica's link to its primary is up.
    Status startCluster();
    // Kills every process (SIGKILL, also paused ones), reaps it and waits for its port to close.
    void stop();

    const QList<Node> &nodes() const { return m_nodes; }
    int indexOf(const QString &name) const;
    QString directory() const;
    LauncherOptions options() const { return m_options; }

    // A Tcp URL for a node (with the configured password), the Sentinel URL of the cluster.
    RedisUrl nodeUrl(int index) const;
    RedisUrl standaloneUrl() const { return nodeUrl(0); }
    RedisUrl sentinelUrl() const;
    // redis-cluster:// with the first primaries as seeds (rediss-cluster:// with TLS).
    RedisUrl clusterUrl() const;
    // Waits until every running, unpaused cluster node reports cluster_state:ok and the same
    // primaries for every slot, and each replica's link is up.
    Status waitForClusterReady(int timeoutMs) const;
    // The node serving `slot` as a running node sees it (CLUSTER SLOTS), and the node index.
    Result<int> primaryIndexOfSlot(int slot) const;
    // The index of the node at `port`, -1 if none.
    int indexOfPort(quint16 port) const;
    QList<int> redisNodeIndexes() const;
    QList<int> sentinelIndexes() const;

    // Fault injection. A node (re)started here dies with the thread that started it (the
    // kernel's parent-death signal follows the forking thread), so a thread that restarts nodes
    // must outlive them.
    Status kill(int index);      // SIGKILL, reap, wait for the port to close
    Status pause(int index);     // SIGSTOP
    Status resume(int index);    // SIGCONT
    Status restart(int index);   // start again from its config file on its port, wait for PING

    // Makes a start() or wait in progress on another thread give up soon with Cancelled.
    // Thread-safe; the only member that may be called from another thread.
    void cancel() { m_cancelled = true; }

    // Asks every running, unpaused sentinel; succeeds when all name the same master.
    Result<HostPort> agreedMaster() const;
    // Waits until the sentinels agree on a master other than `previous`.
    Result<HostPort> waitForNewMaster(const HostPort &previous, int timeoutMs) const;

private:
    Status prepareDirectory();
    Status spawn(Node &node);
    Status startDataNode(Node &node, quint16 masterPort);
    Status waitForPing(Node &node, int timeoutMs);
    bool cancelled() const { return m_cancelled.load(); }
    Status waitForSentinelsReady(int timeoutMs) const;
    QString listenConfig(quint16 port) const;
    TlsOptions clientTls() const;
    void writeDataConfig(Node &node, quint16 masterPort) const;
    void writeSentinelConfig(Node &node, quint16 masterPort) const;
    bool reap(Node &node, int timeoutMs);

    LauncherOptions m_options;
    std::unique_ptr<QTemporaryDir> m_dir;
    QList<Node> m_nodes;
    TlsFiles m_tlsFiles;
    QString m_redisServer;
    QString m_redisSentinel;
    std::atomic_bool m_cancelled{false};
};

// A TCP port on 127.0.0.1 that was free a moment ago.
quint16 findFreePort();
// True when something accepts connections on 127.0.0.1:port.
bool portIsOpen(quint16 port);

} // namespace sdcore
