#include "core/store/masterfollower.h"

#include "core/redis/redisconnection.h"
#include "core/sentinel/sentinelevent.h"
#include "core/store/failoversessionstore.h"
#include "core/store/redissessionstore.h"

#include <spdlog/spdlog.h>

#include <sys/socket.h>

namespace sdcore {

MasterFollower::MasterFollower(const RedisUrl &sentinelUrl, Callback callback, int retryMs)
    : m_callback(std::move(callback))
    , m_masterName(sentinelUrl.masterName())
    , m_retryMs(retryMs)
{
    for (const HostPort &sentinel : sentinelUrl.hosts()) {
        m_fds.push_back(std::make_unique<std::atomic_int>(-1));
        std::atomic_int *fd = m_fds.back().get();
        m_threads.emplace_back([this, sentinelUrl, sentinel, fd] { follow(sentinelUrl, sentinel, fd); });
    }
}

MasterFollower::~MasterFollower()
{
    m_stop = true;
    for (const auto &fd : m_fds) {
        const int s = fd->exchange(-2);
        if (s >= 0)
            ::shutdown(s, SHUT_RDWR);   // wakes the blocked receive(); the connection closes it
    }
    for (std::thread &t : m_threads)
        t.join();
}

void MasterFollower::follow(const RedisUrl &url, HostPort sentinel, std::atomic_int *fd)
{
    // Connect and handshake time out quickly; a quiet subscription is renewed every minute (the
    // destructor shuts the socket down to end it sooner).
    const ConnectionOptions options{1000, 1000, "sessiondeck-follower"};
    while (!m_stop) {
        auto c = RedisConnection::open(url.withNode(sentinel), options);
        if (c)
            (*c)->setCommandTimeout(60000);
        if (c && (*c)->send(Command{"SUBSCRIBE", "+switch-master"})) {
            int none = -1;
            if (!fd->compare_exchange_strong(none, (*c)->socketDescriptor()))
                return;   // stopping
            ++m_subscribed;
            while (!m_stop) {
                auto m = (*c)->receive();
                if (!m)
                    break;
                if (!m->isArray() || m->size() != 3 || m->at(0).bytes() != "message")
                    continue;   // the subscribe confirmation
                auto event = SentinelEvent::parse(QString::fromUtf8(m->at(1).bytes()), m->at(2).bytes());
                if (event && event->masterName == m_masterName)
                    announce(event->newMaster);
            }
            --m_subscribed;
            int mine = (*c)->socketDescriptor();
            if (!fd->compare_exchange_strong(mine, -1))
                return;   // stopping
        }
        for (int waited = 0; waited < m_retryMs && !m_stop; waited += 50)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void MasterFollower::announce(const HostPort &newMaster)
{
    {
        std::lock_guard lock(m_mutex);
        if (newMaster == m_lastAnnounced)
            return;   // the same switch from another sentinel
        m_lastAnnounced = newMaster;
    }
    ++m_switches;
    spdlog::info("follower: +switch-master {} -> {}", m_masterName.toStdString(), newMaster.toString().toStdString());
    if (m_callback)
        m_callback(newMaster);
}

MasterFollower::Callback MasterFollower::forChain(FailoverSessionStore &chain, int tier, RedisSessionStore &store)
{
    return [&chain, tier, &store](const HostPort &newMaster) {
        store.switchMaster(newMaster);
        chain.markHealthy(tier, QStringLiteral("+switch-master: the master is now %1").arg(newMaster.toString()));
    };
}

} // namespace sdcore
