@security
Feature: Each student's data and secrets stay theirs
  No student sees or changes another's data; links are single-use and expire; a reset
  ends old sessions; no secret appears in any email, view or history entry.

  @rule-no-cross-student-access
  Scenario: A student cannot see or delete another student's employer
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    And another logged-in student on post-completion OPT
    When the other student deletes the employer "Acme Robotics" of the first student, confirming
    Then the portal refuses with "not-found"
    And the first student still sees the employer "Acme Robotics"
    And the other student sees no employers

  @rule-tokens-single-use
  Scenario: A password reset link works once
    Given a registered student on post-completion OPT
    When the student uses the password reset button
    And the student follows the link in the "password reset" email and sets a new password
    Then following the same link again is refused with "token-used"

  @rule-tokens-single-use
  Scenario: A password reset link expires
    Given a registered student on post-completion OPT
    And the student's own password reset failed because the link expired
    Then the student cannot log in with the new password they chose

  @rule-reset-ends-sessions
  Scenario: A password reset ends every session
    Given a logged-in student on post-completion OPT
    When the student uses the password reset button
    And the student follows the link in the "password reset" email and sets a new password
    Then the student's earlier session is refused with "session-invalid"

  @rule-no-secret-exposed
  Scenario: No password in any email, view or history; no token in history
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    When the student uses the password reset button
    And the student follows the link in the "password reset" email and sets a new password
    And the student logs in
    Then no email, view or history entry contains any of the student's passwords
    And no history entry contains a link token
