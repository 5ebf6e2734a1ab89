// The connection list model over a Workspace, without a server (nothing is activated, so
// nothing connects): rows follow adds, renames and removals under QAbstractItemModelTester, and
// each row keeps its connection's id wherever the row moves.

#include "core/workspace/workspace.h"
#include "ui/models/connectionlistmodel.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QSet>
#include <QSettings>
#include <QTest>

using namespace sdcore;
using sdui::ConnectionListModel;

class TestConnectionListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rowsFollowTheWorkspace()
    {
        Workspace workspace(false);
        ConnectionListModel model(&workspace);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);

        auto a = workspace.addConnection(QStringLiteral("redis://127.0.0.1:1/0"), QStringLiteral("first"));
        auto b = workspace.addConnection(QStringLiteral("redis://127.0.0.1:2/0"), QStringLiteral("second"));
        auto c = workspace.addConnection(QStringLiteral("redis-sentinel://127.0.0.1:3#group"), QStringLiteral("third"));
        QVERIFY(a && b && c);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(1).data().toString(), QStringLiteral("second"));
        QCOMPARE(model.index(2).data(Qt::ToolTipRole).toString(), QStringLiteral("redis-sentinel://127.0.0.1:3#group"));
        QVERIFY(!model.index(0).data(Qt::DecorationRole).isNull());

        // Every connection has its own id, and adding the same target again finds it.
        QSet<QString> ids;
        for (int row = 0; row < 3; ++row)
            ids << model.index(row).data(ConnectionListModel::IdRole).toString();
        QCOMPARE(ids.size(), 3);
        QVERIFY(!ids.contains(QString()));
        QCOMPARE(*workspace.addConnection(QStringLiteral("redis://127.0.0.1:2/0")), *b);
        QCOMPARE(model.rowCount(), 3);

        const QString secondId = model.idAt(1);
        const QString thirdId = model.idAt(2);
        workspace.renameConnection(1, QStringLiteral("renamed"));
        QCOMPARE(model.indexOfId(secondId).data().toString(), QStringLiteral("renamed"));
        workspace.setReadOnly(1, true);
        QCOMPARE(model.indexOfId(secondId).data().toString(), QStringLiteral("renamed (read-only)"));

        // The first goes: the others move up a row and keep their ids.
        workspace.removeConnection(0);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.indexOfId(secondId).row(), 0);
        QCOMPARE(model.indexOfId(thirdId).row(), 1);
        QCOMPARE(workspace.indexOf(thirdId), 1);
        QVERIFY(!model.indexOfId(QStringLiteral("no such id")).isValid());
        QCOMPARE(workspace.indexOf(QString()), -1);
    }

    // A list saved before ids were: each entry gets the same id at every start, and loading it
    // saves nothing (an entry this build cannot read stays in the file).
    void savedListWithoutIds()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("SessionDeckConnectionListTest"));
        QSettings().clear();
        {
            QSettings settings;
            settings.beginWriteArray(QStringLiteral("connections"));
            settings.setArrayIndex(0);
            settings.setValue(QStringLiteral("url"), QStringLiteral("redis://127.0.0.1:1/0"));
            settings.setArrayIndex(1);
            settings.setValue(QStringLiteral("url"), QStringLiteral("not a url"));
            settings.endArray();
        }
        QString first;
        {
            Workspace workspace(true);
            QCOMPARE(workspace.connections().size(), 1);
            first = workspace.idAt(0);
            QVERIFY(!first.isEmpty());
        }
        QCOMPARE(QSettings().beginReadArray(QStringLiteral("connections")), 2);
        Workspace again(true);
        QCOMPARE(again.idAt(0), first);
        QSettings().clear();
    }
};

QTEST_MAIN(TestConnectionListModel)
#include "tst_connectionlistmodel.moc"
