@faq-5 @core
Feature: The Reset Portal Account action in SEVIS
  DSOs reset a portal account from the Student Information page in SEVIS. Sometimes
  the action does not appear; DSOs then send the details and screenshots to the SRC.

  @rule-reset-action-shown
  Scenario: Reset Portal Account is offered for a student with approved OPT
    Given a student on post-completion OPT approved by USCIS
    Then SEVIS offers Reset Portal Account for the student

  @rule-reset-action-shown
  Scenario: Reset Portal Account is not offered while the OPT request is pending
    Given a student whose post-completion OPT request is pending with USCIS
    Then SEVIS does not offer Reset Portal Account for the student

  @rule-reset-action-offered @faq-7
  Scenario: Reset Portal Account resends a lost account creation email
    Given a student on post-completion OPT approved by USCIS
    And the student deleted the "account creation" email unread
    When the DSO uses Reset Portal Account
    Then the student receives a new "account creation" email
    And the student can register with the link in the newest "account creation" email

  @rule-missing-reset-escalated
  Scenario: A missing Reset Portal Account action is escalated with details and resolved
    Given a registered student on post-completion OPT
    And the student locked the account with failed logins
    And SEVIS does not show the Reset Portal Account action for the student
    When the DSO reports the missing Reset Portal Account action to the SRC with details and a screenshot
    Then the SRC opens a ticket
    When the SRC resolves the ticket by resetting the portal account
    And the student follows the link in the "account reset" email and sets a new password
    Then the student can log in
