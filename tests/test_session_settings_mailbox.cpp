// The settings mailbox between the UI thread and the worker's: revisions count up, the newest
// settings win, a take makes a report due, and submissions from another thread are never lost.
#include <QTest>

#include <atomic>
#include <thread>

#include "ui/session/SettingsMailbox.h"

using impasto::StyleSettings;
using impasto::ui::SettingsMailbox;

namespace {

StyleSettings withStyleWeight(double weight) {
    StyleSettings settings;
    settings.styleWeight = weight;
    return settings;
}

}  // namespace

class TestSessionSettingsMailbox : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void anEmptyMailboxHasNothingToTake() {
        SettingsMailbox mailbox;
        QVERIFY(!mailbox.take());
        QVERIFY(!mailbox.reportDue());
    }

    void theNewestSettingsWinWithTheirRevision() {
        SettingsMailbox mailbox;
        QCOMPARE(mailbox.submit(withStyleWeight(1.0)), 1);
        QCOMPARE(mailbox.submit(withStyleWeight(2.0)), 2);
        QCOMPARE(mailbox.submit(withStyleWeight(3.0)), 3);
        const auto delivery = mailbox.take();
        QVERIFY(delivery);
        QCOMPARE(delivery->revision, 3);
        QCOMPARE(delivery->settings.styleWeight, 3.0);
        // The older ones were dropped unseen.
        QVERIFY(!mailbox.take());
        // Revisions go on counting after a take.
        QCOMPARE(mailbox.submit(withStyleWeight(4.0)), 4);
        QCOMPARE(mailbox.take()->revision, 4);
    }

    // A stroke's masks travel alone: delivered with the newest settings (unchanged) and a
    // revision of their own; settings alone deliver no masks.
    void masksTravelWithTheNewestSettings() {
        SettingsMailbox mailbox;
        mailbox.submit(withStyleWeight(5.0));
        QVERIFY(!mailbox.take()->masks);
        impasto::ui::MaskSet masks;
        masks.keep = impasto::Mask(4, 3, 1.0f);
        QCOMPARE(mailbox.submitMasks(masks), 2);
        const auto delivery = mailbox.take();
        QVERIFY(delivery);
        QCOMPARE(delivery->revision, 2);
        QCOMPARE(delivery->settings.styleWeight, 5.0);
        QVERIFY(delivery->masks && *delivery->masks == masks);
        QVERIFY(!mailbox.take());
    }

    void aTakeMakesAReportDueUntilMarked() {
        SettingsMailbox mailbox;
        mailbox.submit(withStyleWeight(1.0));
        QVERIFY(!mailbox.reportDue());  // submitted is not taken
        QVERIFY(mailbox.take());
        QVERIFY(mailbox.reportDue());
        mailbox.markReported();
        QVERIFY(!mailbox.reportDue());
        QVERIFY(!mailbox.take());
        QVERIFY(!mailbox.reportDue());  // nothing taken, nothing to report
    }

    // One thread submits while another takes: every revision is unique and increasing, and the
    // last submitted settings are the last taken.
    void submissionsFromAnotherThreadAreNeverLost() {
        constexpr int kSubmissions = 2000;
        SettingsMailbox mailbox;
        std::atomic<bool> done{false};
        std::thread submitter([&] {
            for (int i = 1; i <= kSubmissions; ++i) {
                mailbox.submit(withStyleWeight(i));
            }
            done = true;
        });
        int lastRevision = 0;
        double lastWeight = 0.0;
        auto takeAll = [&] {
            while (const auto delivery = mailbox.take()) {
                QVERIFY(delivery->revision > lastRevision);
                QCOMPARE(delivery->settings.styleWeight, double(delivery->revision));
                lastRevision = delivery->revision;
                lastWeight = delivery->settings.styleWeight;
            }
        };
        while (!done) {
            takeAll();
        }
        submitter.join();
        takeAll();
        QCOMPARE(lastRevision, kSubmissions);
        QCOMPARE(lastWeight, double(kSubmissions));
    }
};

QTEST_APPLESS_MAIN(TestSessionSettingsMailbox)
#include "test_session_settings_mailbox.moc"
