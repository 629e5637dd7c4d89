@faq-3 @core
Feature: Unlocking a portal account
  Students unlock their own account with the password reset button on the portal home
  page; if that does not work, the DSO unlocks it; if the DSO cannot, the SRC does.

  Background:
    Given a registered student on post-completion OPT

  @rule-lock-after-failed-logins
  Scenario: Three failed logins lock the account
    When the student logs in with a wrong password 3 times
    Then the student cannot log in with the right password: the portal says "account-locked"

  @rule-lock-after-failed-logins
  Scenario: Two failed logins do not lock the account
    When the student logs in with a wrong password 2 times
    Then the student can log in

  @rule-self-reset-unlocks
  Scenario: The password reset button unlocks the account
    Given the student locked the account with failed logins
    When the student uses the password reset button
    And the student follows the link in the "password reset" email and sets a new password
    Then the student can log in
    And the student cannot log in with the old password

  @rule-dso-reset-unlocks @faq-7
  Scenario: The reset link expired: the DSO's Reset Portal Account unlocks
    Given the student locked the account with failed logins
    And the student's own password reset failed because the link expired
    When the DSO uses Reset Portal Account
    And the student follows the link in the "account reset" email and sets a new password
    Then the student can log in
    And the student cannot log in with the old password
    And the student cannot log in with the new password they chose

  @rule-dso-reset-unlocks @faq-7
  Scenario: The school mailbox was closed: the DSO corrects the email and resets
    Given the student locked the account with failed logins
    And the student's own password reset failed because their school mailbox was closed
    When the DSO corrects the student's email address in SEVIS
    And the DSO uses Reset Portal Account
    And the student follows the link in the "account reset" email and sets a new password
    Then the student can log in

  @rule-src-unlocks @rule-unlock-fallback-order
  Scenario: Student, then DSO, then SRC: the SRC unlocks when the others cannot
    Given the student locked the account with failed logins
    And the student's own password reset failed because the link expired
    Then the student cannot log in with the right password: the portal says "account-locked"
    Given SEVIS does not show the Reset Portal Account action for the student
    Then the DSO cannot use Reset Portal Account
    When the DSO reports the locked account to the SRC with the student's name and SEVIS ID
    Then the SRC opens a ticket
    When the SRC resolves the ticket by resetting the portal account
    And the student follows the link in the "account reset" email and sets a new password
    Then the student can log in
    And the student cannot log in with the old password

  @rule-dso-reset-unlocks @faq-7
  Scenario: The History page keeps every entry through the DSO's Reset Portal Account
    Given the student noted every entry on the History page
    And the student locked the account with failed logins
    When the DSO uses Reset Portal Account
    And the student follows the link in the "account reset" email and sets a new password
    Then the student can log in
    And the History page still shows every entry the student noted
