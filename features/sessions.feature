Feature: A student's sessions
  Logging out ends the session; logging in again starts over with the attestation, and
  a second session sees what the first one entered. A session that is not attested, or
  that has ended, opens no page of the portal.

  @security @rule-logout-ends-session @asvs-3.3.1
  Scenario Outline: A logged-out session opens nothing
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    When the student logs out
    Then <action> with the student's ended session is refused with "session-invalid"

    Examples:
      | action                           |
      | viewing the profile              |
      | changing the phone number        |
      | viewing the OPT authorizations   |
      | viewing the unemployment counter |
      | viewing the employers            |
      | adding an employer               |
      | editing an employer              |
      | deleting an employer             |
      | viewing the History page         |
      | attesting                        |
      | logging out                      |

  @security @rule-logout-ends-session @asvs-3.3.1
  Scenario: Logging in again after logging out shows the same data
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    When the student logs out
    And the student logs in
    Then the student sees the employer "Acme Robotics"

  @extended @rule-attestation-first
  Scenario Outline: Every login needs its own attestation before any page
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    When the student logs out
    And the student logs in without attesting
    Then <action> in the student's current session is refused with "attestation-required"

    Examples:
      | action                           |
      | viewing the profile              |
      | changing the phone number        |
      | viewing the OPT authorizations   |
      | viewing the unemployment counter |
      | viewing the employers            |
      | adding an employer               |
      | editing an employer              |
      | deleting an employer             |
      | viewing the History page         |

  @extended @rule-attestation-first
  Scenario: A second session attests for itself, then sees what the first one entered
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    When the student logs in again on a second browser without attesting
    Then viewing the employers in the student's current session is refused with "attestation-required"
    When the student attests
    Then the student sees the employer "Acme Robotics"

  @core @faq-3 @rule-self-reset-unlocks
  Scenario: After an inactivity lock the password reset button gives access back
    Given a registered student on post-completion OPT
    When 91 days pass without a login
    Then the student cannot log in with the right password: the portal says "account-locked"
    When the student uses the password reset button
    And the student follows the link in the "password reset" email and sets a new password
    Then the student can log in
