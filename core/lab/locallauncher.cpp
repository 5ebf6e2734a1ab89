#include "core/lab/locallauncher.h"

#include "core/redis/redisconnection.h"
#include "core/support/info.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sdcore {

namespace {

QString findBinary(const QString &name)
{
    QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(name, {QStringLiteral("/usr/bin"),
                                                     QStringLiteral("/usr/sbin"),
                                                     QStringLiteral("/usr/local/bin")});
    return path;
}

void sleepMs(int ms) { QThread::msleep(ulong(ms)); }

ConnectionOptions probeOptions()
{
    ConnectionOptions o;
    o.connectTimeoutMs = 500;
    o.commandTimeoutMs = 1000;
    o.clientName = "sessiondeck-launcher";
    return o;
}

} // namespace

quint16 findFreePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    quint16 port = 0;
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
}

bool portIsOpen(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool open = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return open;
}

LocalLauncher::LocalLauncher(LauncherOptions options) : m_options(std::move(options))
{
    m_redisServer = findBinary(QStringLiteral("redis-server"));
    m_redisSentinel = findBinary(QStringLiteral("redis-sentinel"));
}

LocalLauncher::~LocalLauncher() { stop(); }

Status LocalLauncher::checkBinaries()
{
    if (findBinary(QStringLiteral("redis-server")).isEmpty()) {
        return makeError(ErrorKind::Process,
                         QStringLiteral("redis-server was not found on PATH; install it with "
                                        "'sudo apt-get install redis-server redis-sentinel' (or run "
                                        "'make deps')"));
    }
    return success();
}

QString LocalLauncher::directory() const { return m_dir ? m_dir->path() : QString(); }

int LocalLauncher::indexOf(const QString &name) const
{
    for (int i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes.at(i).name == name)
            return i;
    }
    return -1;
}

QList<int> LocalLauncher::redisNodeIndexes() const
{
    QList<int> out;
    for (int i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes.at(i).role != Role::Sentinel)
            out << i;
    }
    return out;
}

QList<int> LocalLauncher::sentinelIndexes() const
{
    QList<int> out;
    for (int i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes.at(i).role == Role::Sentinel)
            out << i;
    }
    return out;
}

TlsOptions LocalLauncher::clientTls() const
{
    TlsOptions tls;
    tls.enabled = m_options.tls;
    if (tls.enabled) {
        tls.caFile = m_tlsFiles.caFile;
        if (m_options.tlsAuthClients) {
            tls.certFile = m_tlsFiles.certFile;
            tls.keyFile = m_tlsFiles.keyFile;
        }
    }
    return tls;
}

RedisUrl LocalLauncher::nodeUrl(int index) const
{
    RedisUrl url = RedisUrl::tcp(QStringLiteral("127.0.0.1"), m_nodes.value(index).port);
    if (m_nodes.value(index).role != Role::Sentinel && !m_options.password.isEmpty())
        url.setPassword(m_options.password);
    url.setTls(clientTls());
    return url;
}

RedisUrl LocalLauncher::clusterUrl() const
{
    QList<HostPort> seeds;
    for (const Node &n : m_nodes) {
        if (n.role == Role::ClusterNode && seeds.size() < qMax(1, m_options.clusterPrimaries))
            seeds << HostPort{QStringLiteral("127.0.0.1"), n.port};
    }
    RedisUrl url = RedisUrl::cluster(seeds);
    if (!m_options.password.isEmpty())
        url.setPassword(m_options.password);
    url.setTls(clientTls());
    return url;
}

int LocalLauncher::indexOfPort(quint16 port) const
{
    for (int i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes.at(i).port == port)
            return i;
    }
    return -1;
}

RedisUrl LocalLauncher::sentinelUrl() const
{
    QList<HostPort> sentinels;
    for (int i : sentinelIndexes())
        sentinels << HostPort{QStringLiteral("127.0.0.1"), m_nodes.at(i).port};
    RedisUrl url = RedisUrl::sentinel(sentinels, m_options.masterName);
    if (!m_options.password.isEmpty())
        url.setPassword(m_options.password);
    url.setTls(clientTls());
    return url;
}

Status LocalLauncher::spawn(Node &node)
{
    const bool sentinel = node.role == Role::Sentinel;
    QByteArrayList args;
    QString program = m_redisServer;
    if (sentinel && !m_redisSentinel.isEmpty()) {
        program = m_redisSentinel;
        args << "redis-sentinel" << QFile::encodeName(node.configPath);
    } else {
        args << "redis-server" << QFile::encodeName(node.configPath);
        if (sentinel)
            args << "--sentinel";
    }
    const QByteArray programPath = QFile::encodeName(program);
    std::vector<char *> argv;
    for (QByteArray &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    // Everything the child needs is prepared before fork: between fork and exec only
    // async-signal-safe calls are allowed.
    const int devNull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    const long maxFd = std::min(::sysconf(_SC_OPEN_MAX), 65536L);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        if (devNull >= 0)
            ::close(devNull);
        return makeError(ErrorKind::Process, QStringLiteral("fork failed: %1")
                                                 .arg(QString::fromLocal8Bit(strerror(errno))));
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127);
        // Our own process group: a Ctrl-C in the terminal goes to SessionDeck, which stops the
        // cluster in order, instead of killing the servers under it mid-start.
        ::setpgid(0, 0);
        if (devNull >= 0) {
            ::dup2(devNull, 0);
            ::dup2(devNull, 1);
            ::dup2(devNull, 2);
        }
        // hiredis sockets are not close-on-exec; a server that inherited a client socket would
        // keep that connection alive after the client closed it.
        if (::syscall(SYS_close_range, 3u, ~0u, 0u) != 0) {
            for (long fd = 3; fd < maxFd; ++fd)
                ::close(int(fd));
        }
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        ::execv(programPath.constData(), argv.data());
        ::_exit(127);
    }
    if (devNull >= 0)
        ::close(devNull);
    node.pid = pid;
    node.paused = false;
    spdlog::debug("launcher: started {} on port {} (pid {})", node.name.toStdString(), node.port,
                  pid);
    return success();
}

bool LocalLauncher::reap(Node &node, int timeoutMs)
{
    if (node.pid <= 0)
        return true;
    QDeadlineTimer deadline(timeoutMs);
    while (true) {
        const pid_t r = ::waitpid(node.pid, nullptr, WNOHANG);
        if (r == node.pid || (r < 0 && errno == ECHILD)) {
            node.pid = 0;
            node.paused = false;
            return true;
        }
        if (deadline.hasExpired())
            return false;
        sleepMs(10);
    }
}

Status LocalLauncher::waitForPing(Node &node, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    const RedisUrl url = nodeUrl(int(&node - m_nodes.constData()));
    QString last;
    while (!deadline.hasExpired()) {
        if (cancelled())
            return makeError(ErrorKind::Cancelled, QStringLiteral("Cancelled"));
        if (node.pid > 0 && ::waitpid(node.pid, nullptr, WNOHANG) == node.pid) {
            node.pid = 0;
            return makeError(ErrorKind::Process,
                             QStringLiteral("%1 exited at start; see %2").arg(node.name, node.logPath));
        }
        auto conn = RedisConnection::open(url, probeOptions());
        if (conn) {
            // The port was free when chosen, but another process may have taken it before our
            // server could: only our own process counts as ready.
            auto info = (*conn)->command(Command{"INFO", "server"});
            if (info) {
                const qint64 pid = Info::parse(info->bytes()).integer("process_id");
                if (pid == node.pid)
                    return success();
                last = QStringLiteral("port %1 is served by another process (pid %2)")
                           .arg(node.port)
                           .arg(pid);
            } else {
                last = info.errorMessage();
            }
        } else {
            last = conn.errorMessage();
        }
        sleepMs(50);
    }
    return makeError(ErrorKind::Timeout,
                     QStringLiteral("%1 on port %2 did not answer in time: %3")
                         .arg(node.name)
                         .arg(node.port)
                         .arg(last));
}

QString LocalLauncher::listenConfig(quint16 port) const
{
    QString c = QStringLiteral("bind 127.0.0.1\nprotected-mode no\ndaemonize no\n");
    if (!m_options.tls)
        return c + QStringLiteral("port %1\n").arg(port);
    // TLS only, also between the nodes: replicas and sentinels announce their tls-port.
    c += QStringLiteral("port 0\ntls-port %1\n").arg(port);
    c += QStringLiteral("tls-cert-file \"%1\"\ntls-key-file \"%2\"\ntls-ca-cert-file \"%3\"\n")
             .arg(m_tlsFiles.certFile, m_tlsFiles.keyFile, m_tlsFiles.caFile);
    c += QStringLiteral("tls-auth-clients %1\ntls-replication yes\n").arg(m_options.tlsAuthClients ? "yes" : "no");
    return c;
}

void LocalLauncher::writeDataConfig(Node &node, quint16 masterPort) const
{
    const QString dataDir = m_dir->filePath(node.name);
    QDir().mkpath(dataDir);
    QFile f(node.configPath);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    QString c;
    c += listenConfig(node.port);
    c += QStringLiteral("dir \"%1\"\nlogfile \"%2\"\n").arg(dataDir, node.logPath);
    c += QStringLiteral("save \"\"\nappendonly no\n");
    // A full sync must not wait for more replicas, or a failover can end by timeout.
    c += QStringLiteral("repl-diskless-sync yes\nrepl-diskless-sync-delay 0\n");
    if (masterPort != 0)
        c += QStringLiteral("replicaof 127.0.0.1 %1\n").arg(masterPort);
    if (!m_options.password.isEmpty()) {
        c += QStringLiteral("requirepass \"%1\"\nmasterauth \"%1\"\n").arg(m_options.password);
    }
    if (!m_options.aclUser.isEmpty()) {
        c += QStringLiteral("user %1 on >%2 ~* &* +@all\n")
                 .arg(m_options.aclUser, m_options.aclPassword);
    }
    if (node.role == Role::ClusterNode) {
        // nodes.conf lives in the node's dir: a restarted node keeps its id and its place.
        c += QStringLiteral("cluster-enabled yes\ncluster-config-file nodes.conf\n"
                            "cluster-node-timeout %1\ncluster-port %2\n")
                 .arg(m_options.clusterNodeTimeoutMs)
                 .arg(node.busPort);
        if (m_options.tls)
            c += QStringLiteral("tls-cluster yes\n");
    }
    f.write(c.toUtf8());
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

void LocalLauncher::writeSentinelConfig(Node &node, quint16 masterPort) const
{
    QFile f(node.configPath);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    const QString &name = m_options.masterName;
    QString c;
    c += listenConfig(node.port);
    c += QStringLiteral("dir \"%1\"\nlogfile \"%2\"\n").arg(m_dir->path(), node.logPath);
    c += QStringLiteral("sentinel monitor %1 127.0.0.1 %2 %3\n")
             .arg(name)
             .arg(masterPort)
             .arg(m_options.quorum);
    c += QStringLiteral("sentinel down-after-milliseconds %1 %2\n").arg(name).arg(m_options.downAfterMs);
    c += QStringLiteral("sentinel failover-timeout %1 %2\n").arg(name).arg(m_options.failoverTimeoutMs);
    c += QStringLiteral("sentinel parallel-syncs %1 1\n").arg(name);
    if (!m_options.password.isEmpty())
        c += QStringLiteral("sentinel auth-pass %1 \"%2\"\n").arg(name, m_options.password);
    f.write(c.toUtf8());
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

Status LocalLauncher::startDataNode(Node &node, quint16 masterPort)
{
    // A port found free can be taken by someone else before the server binds it; try again
    // with another one.
    Status last = success();
    for (int attempt = 0; attempt < 3; ++attempt) {
        node.port = findFreePort();
        if (node.role == Role::ClusterNode) {
            do
                node.busPort = findFreePort();
            while (node.busPort == node.port);
        }
        node.configPath = m_dir->filePath(node.name + QStringLiteral(".conf"));
        node.logPath = m_dir->filePath(node.name + QStringLiteral(".log"));
        if (node.role == Role::Sentinel)
            writeSentinelConfig(node, masterPort);
        else
            writeDataConfig(node, masterPort);
        if (Status s = spawn(node); !s)
            return s;
        last = waitForPing(node, m_options.readyTimeoutMs);
        if (last || last.error().kind == ErrorKind::Cancelled)
            return last;
        if (node.pid > 0) {
            ::kill(node.pid, SIGKILL);
            reap(node, 5000);
        }
    }
    return last;
}

Status LocalLauncher::prepareDirectory()
{
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/sessiondeck-XXXXXX"));
    if (!m_dir->isValid())
        return makeError(ErrorKind::Process, QStringLiteral("Cannot create a temporary folder"));
    m_tlsFiles = {};
    if (m_options.tls) {
        auto files = makeCertificates(m_dir->path(), QStringLiteral("cluster"), QStringLiteral("SessionDeck test CA"));
        if (!files)
            return files.error();
        m_tlsFiles = *files;
    }
    return success();
}

Result<TlsFiles> LocalLauncher::makeCertificates(const QString &dir, const QString &prefix, const QString &caName)
{
    const QString openssl = findBinary(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        return makeError(ErrorKind::Process, QStringLiteral("The openssl command is not installed (apt-get install openssl)"));
    const auto path = [&](const char *suffix) { return QDir(dir).filePath(prefix + QLatin1String(suffix)); };
    TlsFiles files{path("-ca.crt"), path(".crt"), path(".key")};
    const QString caKey = path("-ca.key");
    const QString request = path(".csr");
    const QString extensions = path(".ext");
    QFile ext(extensions);
    if (!ext.open(QIODevice::WriteOnly))
        return makeError(ErrorKind::Process, QStringLiteral("Cannot write %1").arg(extensions));
    ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
              "extendedKeyUsage=serverAuth,clientAuth\n"
              "basicConstraints=CA:FALSE\n"
              "keyUsage=digitalSignature,keyEncipherment\n");
    ext.close();
    const QStringList ec{QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                         QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
    const QList<QStringList> steps{
        QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ec
            + QStringList{QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=") + caName,
                          QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
                          QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign"),
                          QStringLiteral("-keyout"), caKey, QStringLiteral("-out"), files.caFile},
        QStringList{QStringLiteral("req")} + ec
            + QStringList{QStringLiteral("-subj"), QStringLiteral("/CN=localhost"), QStringLiteral("-keyout"), files.keyFile,
                          QStringLiteral("-out"), request},
        QStringList{QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), request, QStringLiteral("-CA"),
                    files.caFile, QStringLiteral("-CAkey"), caKey, QStringLiteral("-set_serial"),
                    QString::number(QDateTime::currentMSecsSinceEpoch()), QStringLiteral("-days"), QStringLiteral("2"),
                    QStringLiteral("-extfile"), extensions, QStringLiteral("-out"), files.certFile},
    };
    for (const QStringList &args : steps) {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(openssl, args);
        if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
            return makeError(ErrorKind::Process, QStringLiteral("openssl %1 failed: %2")
                                                     .arg(args.first(), QString::fromLocal8Bit(process.readAll()).trimmed()));
        }
    }
    return files;
}

Status LocalLauncher::startStandalone()
{
    if (Status s = checkBinaries(); !s)
        return s;
    stop();
    if (Status s = prepareDirectory(); !s)
        return s;
    m_nodes = {Node{QStringLiteral("redis"), Role::Standalone, 0, 0, 0, false, {}, {}}};
    if (Status s = startDataNode(m_nodes[0], 0); !s) {
        stop();
        return s;
    }
    spdlog::info("launcher: redis-server ready on 127.0.0.1:{}", m_nodes[0].port);
    return success();
}

Status LocalLauncher::startSentinelDeployment()
{
    if (Status s = checkBinaries(); !s)
        return s;
    stop();
    if (Status s = prepareDirectory(); !s)
        return s;

    m_nodes.clear();
    m_nodes << Node{QStringLiteral("master"), Role::Master, 0, 0, 0, false, {}, {}};
    for (int i = 1; i <= m_options.replicas; ++i)
        m_nodes << Node{QStringLiteral("replica-%1").arg(i), Role::Replica, 0, 0, 0, false, {}, {}};
    for (int i = 1; i <= m_options.sentinels; ++i)
        m_nodes << Node{QStringLiteral("sentinel-%1").arg(i), Role::Sentinel, 0, 0, 0, false, {}, {}};

    auto fail = [this](Status s) {
        stop();
        return s;
    };
    if (Status s = startDataNode(m_nodes[0], 0); !s)
        return fail(s);
    const quint16 masterPort = m_nodes[0].port;
    for (int i : redisNodeIndexes()) {
        if (m_nodes[i].role != Role::Replica)
            continue;
        if (Status s = startDataNode(m_nodes[i], masterPort); !s)
            return fail(s);
    }

    // Sentinels learn the replicas from the master's INFO, so start them once replicas are in sync.
    QDeadlineTimer deadline(m_options.readyTimeoutMs);
    for (int i : redisNodeIndexes()) {
        if (m_nodes[i].role != Role::Replica)
            continue;
        while (true) {
            auto conn = RedisConnection::open(nodeUrl(i), probeOptions());
            if (conn) {
                auto info = (*conn)->command(Command{"INFO", "replication"});
                if (info && info->bytes().contains("master_link_status:up"))
                    break;
            }
            if (cancelled())
                return fail(makeError(ErrorKind::Cancelled, QStringLiteral("Cancelled")));
            if (deadline.hasExpired())
                return fail(makeError(ErrorKind::Timeout,
                                      QStringLiteral("%1 did not finish its sync with the master; see %2")
                                          .arg(m_nodes[i].name, m_nodes[i].logPath)));
            sleepMs(50);
        }
    }
    for (int i : sentinelIndexes()) {
        if (Status s = startDataNode(m_nodes[i], masterPort); !s)
            return fail(s);
    }
    if (Status s = waitForSentinelsReady(int(deadline.remainingTime())); !s)
        return fail(s);
    spdlog::info("launcher: sentinel cluster ready, master 127.0.0.1:{}, {} replicas, {} sentinels",
                 masterPort, m_options.replicas, m_options.sentinels);
    return success();
}

Status LocalLauncher::waitForSentinelsReady(int timeoutMs) const
{
    QDeadlineTimer deadline(qMax(timeoutMs, 1000));
    const QByteArray name = m_options.masterName.toUtf8();
    QString last;
    while (!deadline.hasExpired() && !cancelled()) {
        bool allReady = true;
        for (int i : sentinelIndexes()) {
            auto conn = RedisConnection::open(nodeUrl(i), probeOptions());
            if (!conn) {
                last = conn.errorMessage();
                allReady = false;
                break;
            }
            auto replies = (*conn)->pipeline({Command{"SENTINEL", "REPLICAS", name},
                                              Command{"SENTINEL", "SENTINELS", name},
                                              Command{"SENTINEL", "MASTER", name}});
            if (!replies || replies->size() != 3) {
                last = replies ? QStringLiteral("short reply") : replies.errorMessage();
                allReady = false;
                break;
            }
            const RedisValue &master = replies->at(2);
            const bool masterOk = master.isArray() && master.field("ip") == "127.0.0.1"
                && master.field("port").toUInt() == m_nodes.at(0).port
                && !master.field("flags").contains("down");
            if (replies->at(0).size() < m_options.replicas
                || replies->at(1).size() < m_options.sentinels - 1 || !masterOk) {
                last = QStringLiteral("%1 knows %2 replicas and %3 other sentinels")
                           .arg(m_nodes.at(i).name)
                           .arg(replies->at(0).size())
                           .arg(replies->at(1).size());
                allReady = false;
                break;
            }
        }
        if (allReady)
            return success();
        sleepMs(100);
    }
    return makeError(ErrorKind::Timeout,
                     QStringLiteral("The sentinels did not agree on the cluster in time (%1)").arg(last));
}

Status LocalLauncher::startCluster()
{
    if (Status s = checkBinaries(); !s)
        return s;
    const QString redisCli = findBinary(QStringLiteral("redis-cli"));
    if (redisCli.isEmpty())
        return makeError(ErrorKind::Process, QStringLiteral("redis-cli was not found on PATH; install it with "
                                                            "'sudo apt-get install redis-tools'"));
    stop();
    if (Status s = prepareDirectory(); !s)
        return s;
    m_nodes.clear();
    const int primaries = qMax(1, m_options.clusterPrimaries);
    const int total = primaries * (1 + qMax(0, m_options.clusterReplicas));
    for (int i = 1; i <= total; ++i)
        m_nodes << Node{QStringLiteral("cluster-%1").arg(i), Role::ClusterNode, 0, 0, 0, false, {}, {}};
    for (Node &node : m_nodes) {
        if (Status s = startDataNode(node, 0); !s) {
            stop();
            return s;
        }
    }
    QStringList args{QStringLiteral("--cluster"), QStringLiteral("create")};
    for (const Node &node : std::as_const(m_nodes))
        args << QStringLiteral("127.0.0.1:%1").arg(node.port);
    args << QStringLiteral("--cluster-replicas") << QString::number(qMax(0, m_options.clusterReplicas))
         << QStringLiteral("--cluster-yes");
    if (m_options.tls) {
        args << QStringLiteral("--tls") << QStringLiteral("--cacert") << m_tlsFiles.caFile
             << QStringLiteral("--cert") << m_tlsFiles.certFile << QStringLiteral("--key") << m_tlsFiles.keyFile;
    }
    QProcess create;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!m_options.password.isEmpty())
        env.insert(QStringLiteral("REDISCLI_AUTH"), m_options.password);   // not on the command line
    create.setProcessEnvironment(env);
    create.setProcessChannelMode(QProcess::MergedChannels);
    create.start(redisCli, args);
    if (!create.waitForFinished(m_options.readyTimeoutMs) || create.exitStatus() != QProcess::NormalExit
        || create.exitCode() != 0) {
        const QString output = QString::fromUtf8(create.readAll()).trimmed().right(600);
        create.kill();
        create.waitForFinished(1000);
        stop();
        return makeError(ErrorKind::Process, QStringLiteral("redis-cli --cluster create failed: %1").arg(output));
    }
    if (Status s = waitForClusterReady(m_options.readyTimeoutMs); !s) {
        stop();
        return s;
    }
    spdlog::info("launcher: Redis Cluster ready, {} primaries with {} replica(s) each, from 127.0.0.1:{}",
                 primaries, m_options.clusterReplicas, m_nodes.first().port);
    return success();
}

Status LocalLauncher::waitForClusterReady(int timeoutMs) const
{
    QDeadlineTimer deadline(timeoutMs);
    QString last = QStringLiteral("no node asked yet");
    while (!deadline.hasExpired()) {
        if (cancelled())
            return makeError(ErrorKind::Cancelled, QStringLiteral("Cancelled"));
        bool ready = true;
        QByteArray slotsSeen;
        int running = 0;
        for (int i = 0; i < m_nodes.size() && ready; ++i) {
            const Node &node = m_nodes.at(i);
            if (node.role != Role::ClusterNode || node.pid <= 0 || node.paused)
                continue;
            ++running;
            auto conn = RedisConnection::open(nodeUrl(i), probeOptions());
            if (!conn) {
                ready = false;
                last = QStringLiteral("%1: %2").arg(node.name, conn.errorMessage());
                break;
            }
            auto replies = (*conn)->pipeline({Command{"CLUSTER", "INFO"}, Command{"INFO", "replication"},
                                              Command{"CLUSTER", "SLOTS"}});
            if (!replies) {
                ready = false;
                last = QStringLiteral("%1: %2").arg(node.name, replies.errorMessage());
                break;
            }
            const Info cluster = Info::parse(replies->at(0).bytes());
            const Info replication = Info::parse(replies->at(1).bytes());
            if (cluster.text("cluster_state") != QLatin1String("ok")) {
                ready = false;
                last = QStringLiteral("%1 reports cluster_state:%2").arg(node.name, cluster.text("cluster_state"));
            } else if (replication.text("role") == QLatin1String("slave")
                       && replication.text("master_link_status") != QLatin1String("up")) {
                ready = false;
                last = QStringLiteral("%1's link to its primary is not up yet").arg(node.name);
            } else {
                // Every node must give the same slot map (gossip has spread).
                QByteArray map;
                for (const RedisValue &range : replies->at(2).elements()) {
                    if (range.size() >= 3)
                        map += QByteArray::number(range.at(0).toInteger()) + "-"
                            + QByteArray::number(range.at(1).toInteger()) + "@"
                            + QByteArray::number(range.at(2).size() > 1 ? range.at(2).at(1).toInteger() : 0) + ";";
                }
                if (slotsSeen.isEmpty())
                    slotsSeen = map;
                else if (slotsSeen != map) {
                    ready = false;
                    last = QStringLiteral("%1 does not agree on the slot map yet").arg(node.name);
                }
            }
        }
        if (ready && running > 0)
            return success();
        sleepMs(50);
    }
    return makeError(ErrorKind::Timeout, QStringLiteral("The cluster did not become ready in time (%1)").arg(last));
}

Result<int> LocalLauncher::primaryIndexOfSlot(int slot) const
{
    QString last;
    for (int i = 0; i < m_nodes.size(); ++i) {
        const Node &node = m_nodes.at(i);
        if (node.role != Role::ClusterNode || node.pid <= 0 || node.paused)
            continue;
        auto conn = RedisConnection::open(nodeUrl(i), probeOptions());
        if (!conn) {
            last = conn.errorMessage();
            continue;
        }
        auto slots = (*conn)->command(Command{"CLUSTER", "SLOTS"});
        if (!slots) {
            last = slots.errorMessage();
            continue;
        }
        for (const RedisValue &range : slots->elements()) {
            if (range.size() >= 3 && slot >= range.at(0).toInteger() && slot <= range.at(1).toInteger()) {
                const int index = indexOfPort(quint16(range.at(2).at(1).toInteger()));
                if (index >= 0)
                    return index;
            }
        }
        return makeError(ErrorKind::NotFound, QStringLiteral("No node serves slot %1").arg(slot));
    }
    return makeError(ErrorKind::Refused, QStringLiteral("No cluster node answered: %1").arg(last));
}

void LocalLauncher::stop()
{
    for (Node &node : m_nodes) {
        if (node.pid > 0)
            ::kill(node.pid, SIGKILL);
    }
    for (Node &node : m_nodes) {
        if (node.pid > 0 && !reap(node, 5000))
            spdlog::warn("launcher: {} (pid {}) did not exit", node.name.toStdString(), node.pid);
    }
    for (const Node &node : m_nodes) {
        QDeadlineTimer deadline(3000);
        while (node.port != 0 && portIsOpen(node.port) && !deadline.hasExpired())
            sleepMs(10);
    }
    m_dir.reset();
}

Status LocalLauncher::kill(int index)
{
    if (index < 0 || index >= m_nodes.size())
        return makeError(ErrorKind::Process, QStringLiteral("No node %1").arg(index));
    Node &node = m_nodes[index];
    if (node.pid <= 0)
        return makeError(ErrorKind::Process, QStringLiteral("%1 is not running").arg(node.name));
    ::kill(node.pid, SIGKILL);
    if (!reap(node, 5000))
        return makeError(ErrorKind::Process, QStringLiteral("%1 did not die").arg(node.name));
    QDeadlineTimer deadline(5000);
    while (portIsOpen(node.port)) {
        if (deadline.hasExpired())
            return makeError(ErrorKind::Process,
                             QStringLiteral("port %1 is still open after killing %2")
                                 .arg(node.port)
                                 .arg(node.name));
        sleepMs(10);
    }
    spdlog::info("launcher: killed {} (port {})", node.name.toStdString(), node.port);
    return success();
}

Status LocalLauncher::pause(int index)
{
    if (index < 0 || index >= m_nodes.size() || m_nodes[index].pid <= 0)
        return makeError(ErrorKind::Process, QStringLiteral("No running node %1").arg(index));
    ::kill(m_nodes[index].pid, SIGSTOP);
    m_nodes[index].paused = true;
    return success();
}

Status LocalLauncher::resume(int index)
{
    if (index < 0 || index >= m_nodes.size() || m_nodes[index].pid <= 0)
        return makeError(ErrorKind::Process, QStringLiteral("No running node %1").arg(index));
    ::kill(m_nodes[index].pid, SIGCONT);
    m_nodes[index].paused = false;
    return success();
}

Status LocalLauncher::restart(int index)
{
    if (index < 0 || index >= m_nodes.size())
        return makeError(ErrorKind::Process, QStringLiteral("No node %1").arg(index));
    Node &node = m_nodes[index];
    if (node.pid > 0) {
        if (Status s = kill(index); !s)
            return s;
    }
    if (Status s = spawn(node); !s)
        return s;
    return waitForPing(node, m_options.readyTimeoutMs);
}

Result<HostPort> LocalLauncher::agreedMaster() const
{
    std::optional<HostPort> agreed;
    for (int i : sentinelIndexes()) {
        const Node &node = m_nodes.at(i);
        if (node.pid <= 0 || node.paused)
            continue;
        auto conn = RedisConnection::open(nodeUrl(i), probeOptions());
        if (!conn)
            return conn.error();
        auto r = (*conn)->command(
            Command{"SENTINEL", "GET-MASTER-ADDR-BY-NAME", m_options.masterName.toUtf8()});
        if (!r)
            return r.error();
        if (!r->isArray() || r->size() != 2)
            return makeError(ErrorKind::NotFound, QStringLiteral("%1 knows no master").arg(node.name));
        const HostPort hp{r->at(0).toString(), quint16(r->at(1).toString().toUInt())};
        if (agreed && !(*agreed == hp)) {
            return makeError(ErrorKind::ServerError,
                             QStringLiteral("sentinels disagree: %1 vs %2")
                                 .arg(agreed->toString(), hp.toString()));
        }
        agreed = hp;
    }
    if (!agreed)
        return makeError(ErrorKind::Refused, QStringLiteral("no sentinel is running"));
    return *agreed;
}

Result<HostPort> LocalLauncher::waitForNewMaster(const HostPort &previous, int timeoutMs) const
{
    QDeadlineTimer deadline(timeoutMs);
    QString last;
    while (!deadline.hasExpired()) {
        auto m = agreedMaster();
        if (m && !(*m == previous))
            return m;
        last = m ? QStringLiteral("still %1").arg(m->toString()) : m.errorMessage();
        sleepMs(50);
    }
    return makeError(ErrorKind::Timeout, QStringLiteral("No new master in time: %1").arg(last));
}

} // namespace sdcore
