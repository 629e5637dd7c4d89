@faq-2 @core
Feature: Accidental employer deletion
  Before deleting an employer the student confirms never having worked there. After an
  accidental deletion the DSO retrieves the employment information; the student must
  not re-add the employer.

  Background:
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"

  @rule-delete-needs-confirmation
  Scenario: A delete without the never-worked confirmation is refused
    When the student deletes the employer "Acme Robotics" without confirming they never worked there
    Then the portal refuses with "never-worked-confirmation-required"
    And the student still sees the employer "Acme Robotics"
    And SEVIS shows "Acme Robotics" as an active employment

  @rule-delete-recorded
  Scenario: A confirmed delete is recorded on the History page and in SEVIS
    When the student deletes the employer "Acme Robotics" confirming they never worked there
    Then the student no longer sees the employer "Acme Robotics"
    And the History page shows the deletion of "Acme Robotics"
    And SEVIS shows "Acme Robotics" as a deleted employment
    And the SEVIS event history shows the student's change made through the portal

  @rule-dso-restores-employer
  Scenario: The DSO retrieves and restores the original employer
    Given the student deleted the employer "Acme Robotics" by accident
    When the DSO retrieves the deleted employment "Acme Robotics" in SEVIS and restores it
    And the daily sync from SEVIS to the portal runs
    Then the student sees the employer "Acme Robotics" exactly as it was before the deletion

  @rule-readd-is-not-restore
  Scenario: Re-adding the employer is not a restore
    Given the student deleted the employer "Acme Robotics" by accident
    When the student adds the employer "Acme Robotics" again
    Then SEVIS holds a new employment record for "Acme Robotics" beside the deleted original
    And the deleted original "Acme Robotics" still waits in SEVIS for the DSO to restore
