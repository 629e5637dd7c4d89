@security
Feature: Each student's data and secrets stay theirs
  No student sees or changes another's data; links are single-use and expire; a reset
  ends old sessions; no secret appears in any email, view or history entry. A guesser
  learns nothing from a locked account, a reset retires the old password, and only those
  who hold a channel's secret can speak for SEVIS or the harness. Each scenario carries
  the OWASP ASVS 4.0.3 requirements of its rule (@asvs-...).

  @rule-no-cross-student-access @asvs-4.2.1
  Scenario: A student cannot see or delete another student's employer
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    And another logged-in student on post-completion OPT
    When the other student deletes the employer "Acme Robotics" of the first student, confirming
    Then the portal refuses with "not-found"
    And the first student still sees the employer "Acme Robotics"
    And the other student sees no employers

  @rule-tokens-single-use @asvs-2.3.1 @asvs-2.7.3
  Scenario: A password reset link works once
    Given a registered student on post-completion OPT
    When the student uses the password reset button
    And the student follows the link in the "password reset" email and sets a new password
    Then following the same link again is refused with "token-used"

  @rule-tokens-single-use @asvs-2.3.1 @asvs-2.7.3
  Scenario: A password reset link expires
    Given a registered student on post-completion OPT
    When the student uses the password reset button
    And the "password reset" link's lifetime passes
    Then following the link in the "password reset" email is refused with "token-expired"

  @rule-tokens-single-use @asvs-2.3.1 @asvs-2.7.3
  Scenario: A password reset link still works an hour before it expires
    Given a registered student on post-completion OPT
    When the student uses the password reset button
    And the password reset link's lifetime passes, less an hour
    And the student follows the link in the "password reset" email and sets a new password
    Then the student can log in

  @rule-tokens-single-use @asvs-2.3.1 @asvs-2.7.3
  Scenario: An account reset link works once
    Given a registered student on post-completion OPT
    When the DSO uses Reset Portal Account
    And the student follows the link in the "account reset" email and sets a new password
    Then following the same link again is refused with "token-used"

  @rule-tokens-single-use @asvs-2.3.1 @asvs-2.7.3
  Scenario: An account reset link expires
    Given a registered student on post-completion OPT
    When the DSO uses Reset Portal Account
    And the "account reset" link's lifetime passes
    Then following the link in the "account reset" email is refused with "token-expired"

  @rule-reset-ends-sessions @asvs-3.3.3
  Scenario: A password reset ends every session
    Given a logged-in student on post-completion OPT
    When the student uses the password reset button
    And the student follows the link in the "password reset" email and sets a new password
    Then the student's earlier session is refused with "session-invalid"

  @rule-no-secret-exposed @asvs-7.1.1
  Scenario: No password in any email, view or history; no token in history
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    When the student uses the password reset button
    And the student follows the link in the "password reset" email and sets a new password
    And the student logs in with a wrong password 1 time
    And the student logs in
    Then no email, view or history entry contains any of the student's passwords
    And no history entry contains a link token

  @rule-locked-account-no-oracle @asvs-2.2.1
  Scenario: On a locked account a wrong password reads exactly like the right one
    Given a registered student on post-completion OPT
    And the student locked the account with failed logins
    Then a wrong password and the right password get the same answer

  @rule-reset-retires-old-password @asvs-2.5.6
  Scenario: After the DSO's Reset Portal Account only the emailed link opens the account
    Given a registered student on post-completion OPT
    When the DSO uses Reset Portal Account
    Then the student's old password is refused
    When the student follows the link in the "account reset" email and sets a new password
    Then the student can log in

  @rule-lock-ends-sessions @asvs-3.3.1
  Scenario: Locking an account ends its sessions
    Given a logged-in student on post-completion OPT
    When the student logs in with a wrong password 3 times
    Then the student's earlier session is refused with "session-invalid"

  @rule-reset-requests-limited @asvs-11.1.4
  Scenario: A burst of password reset requests does not send a burst of emails
    Given a registered student on post-completion OPT
    When the student uses the password reset button 10 times in a row
    Then the student receives fewer than 10 "password reset" emails

  @rule-sevis-channel-authenticated @asvs-1.2.2
  Scenario: A transmission without the SEVIS channel's secret is refused and changes nothing
    Given a registered student on post-completion OPT
    When someone without the SEVIS channel's secret sends a sync changing the student's email
    Then the portal refuses that request as unauthenticated
    And the student can log in

  @rule-control-api-authenticated @asvs-1.2.2
  Scenario: A control request without its secret is refused and changes nothing
    Given a registered student on post-completion OPT
    When someone without the control API's secret asks the portal to forget every account
    Then the portal refuses that request as unauthenticated
    And the student can log in

  @rule-json-routes-check-media-type @asvs-13.1.5 @asvs-13.2.5
  Scenario: A password reset request sent as plain text is refused and sends nothing
    Given a registered student on post-completion OPT
    When someone sends the student's password reset request as plain text
    Then the portal refuses that request with status 415
    And the student receives no "password reset" email

  @rule-poisoned-transmission-refused @asvs-5.1.4
  Scenario: A transmission with dates the portal cannot represent is refused; the portal goes on
    Given a registered student on post-completion OPT
    When SEVIS sends an OPT approval for a new student whose OPT ends on 9999-12-31
    Then the portal refuses with "transmission-invalid"
    When 91 days pass without a login
    Then the student cannot log in with the right password: the portal says "account-locked"

  @rule-body-size-limited @asvs-12.1.1
  Scenario: A password reset request with a body over the limit is refused and sends nothing
    Given a registered student on post-completion OPT
    When someone sends the student's password reset request padded past the body limit
    Then the portal refuses that request with status 413
    And the student receives no "password reset" email

  @rule-host-checked @asvs-14.5.3
  Scenario: A request naming a host that is not this machine is refused and sends nothing
    Given a registered student on post-completion OPT
    When someone sends the student's password reset request for the host "attacker.example"
    Then the portal refuses that request with status 421
    And the student receives no "password reset" email
