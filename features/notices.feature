@faq-1 @core
Feature: Portal email notices
  Every email the portal sends is a notice of the catalog (the SEVP Portal Email
  Notices to Students page): sent once per event, to the student only, with the
  catalog's subject and sender, carrying what the catalog says it carries.

  @rule-notice-catalogued @rule-notice-once-per-event @rule-notice-student-only
  Scenario: The account creation email follows the catalog
    Given a student on post-completion OPT approved by USCIS
    Then the student receives exactly one "account creation" email
    And the "account creation" email carries everything the catalog requires
    And every email the portal sent is a catalogued notice
    And every email the portal sent went to the student only

  @rule-notice-catalogued
  Scenario: A STEM OPT student's account creation email names STEM OPT
    Given a student on STEM OPT approved by USCIS
    Then the newest "account creation" email names the student's latest approved OPT type

  @rule-notice-catalogued @rule-notice-once-per-event @rule-notice-student-only
  Scenario Outline: Each notice is sent once, to the student only, as catalogued
    Given a registered student on post-completion OPT
    When <event>
    Then the student receives exactly one "<notice>" email
    And the "<notice>" email carries everything the catalog requires
    And every email the portal sent is a catalogued notice
    And every email the portal sent went to the student only

    Examples:
      | event                                              | notice         |
      | the DSO uses Reset Portal Account                  | account reset  |
      | the student uses the password reset button         | password reset |
      | the student logs in with a wrong password 3 times  | account locked |
