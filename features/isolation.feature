@security @rule-no-cross-student-access @asvs-4.2.1
Feature: One student's session never reaches another student's data
  Whatever a logged-in student reads holds nothing of another student, and whatever
  they change, in their own session or aimed at another's records, leaves the other
  student's data as it was, in the portal and in SEVIS.

  Scenario Outline: What another student's session reads is their own
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    And another logged-in student on STEM OPT
    Then <action> in the other student's session shows nothing of the first student

    Examples:
      | action                           |
      | viewing the profile              |
      | viewing the OPT authorizations   |
      | viewing the unemployment counter |
      | viewing the employers            |
      | viewing the History page         |

  Scenario Outline: What another student's session changes leaves the first student's data as it was
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    And another logged-in student on post-completion OPT
    And the first student's data is noted, in the portal and in SEVIS
    When the other student, in their own session, <action>
    Then the first student's data is as noted, in the portal and in SEVIS

    Examples:
      | action                               |
      | changes their phone number           |
      | changes their address                |
      | adds an employer                     |
      | edits the first student's employer   |
      | deletes the first student's employer |
      | logs out                             |

  Scenario: Another student's edit of the first student's employer is refused as unknown
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    And another logged-in student on post-completion OPT
    When the other student, in their own session, edits the first student's employer
    Then the portal refuses with "not-found"
    And the first student still sees the employer "Acme Robotics"
