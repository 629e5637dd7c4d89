@faq-7 @core
Feature: The account creation email
  SEVIS sends the student's data to the portal when the OPT request changes to
  Approved, whether USCIS approved it or the SRC corrected it; the portal then emails
  the account creation link.

  Background:
    Given a student whose post-completion OPT request is pending with USCIS

  @rule-approval-sends-creation-email
  Scenario: A USCIS approval transmits and sends one account creation email
    When USCIS approves the OPT request
    Then the SEVIS event history shows the data went to the portal
    And the student receives exactly one "account creation" email
    And the student can register with the link in the newest "account creation" email

  @rule-src-correction-sends-creation-email
  Scenario: An SRC correction to Approved transmits and sends one account creation email
    Given USCIS approved the request but SEVIS still shows it pending past the OPT start date
    When the SRC corrects the OPT status to "Approved"
    Then the SEVIS event history shows the data went to the portal
    And the student receives exactly one "account creation" email
    And the student can register with the link in the newest "account creation" email

  @rule-approval-sends-creation-email @rule-notice-once-per-event @faq-1
  Scenario: The same transmission delivered twice sends one email
    Given the next transmission to the portal is delivered twice
    When USCIS approves the OPT request
    Then the student receives exactly one "account creation" email

  @rule-approval-sends-creation-email @rule-no-cross-student-access @security @asvs-4.2.1
  Scenario: Two students approved together each get their own link
    Given another student whose post-completion OPT request is pending with USCIS
    When USCIS approves both OPT requests
    Then each student receives exactly one "account creation" email
    And neither student can register with the link in the other's "account creation" email
    And each student can register with the link in their own "account creation" email

  @rule-wrong-email-resend
  Scenario: A wrong email address in SEVIS, corrected by the DSO, then resent
    Given the student's email address in SEVIS has a typo
    When USCIS approves the OPT request
    Then the student receives no "account creation" email
    When the DSO corrects the student's email address in SEVIS
    And the DSO uses Reset Portal Account
    Then the student receives exactly one "account creation" email
    And the student can register with the link in the newest "account creation" email

  @rule-creation-email-in-junk
  Scenario: The account creation email is found in the junk folder
    Given the student's mail provider files portal email as junk
    When USCIS approves the OPT request
    Then the "account creation" email is in the student's junk folder
    And the student can register with the link in the newest "account creation" email

  @rule-failed-transmission-escalated
  Scenario: A failed transmission is visible, escalated and re-transmitted
    Given the next transmission to the portal fails
    When USCIS approves the OPT request
    Then the SEVIS event history shows the transmission to the portal failed
    And the student receives no "account creation" email
    When the DSO reports the failed transmission to the SRC with the student's name and SEVIS ID
    Then the SRC opens a ticket
    When the SRC resolves the ticket by re-transmitting the student's data
    Then the SEVIS event history shows the data went to the portal
    And the student receives exactly one "account creation" email
