@extended @rule-closure-notices
Feature: Access closes six months after the OPT end date
  Students get an email at the OPT end date, 30 days before their access closes and on
  the day it closes; access closes six months after the OPT end date.

  Background:
    Given a logged-in student on post-completion OPT

  Scenario: The closure notices come in order, once each
    When time passes to the day after six months after the authorized OPT end date, the student logging in monthly
    Then the student receives exactly one "opt ended" email
    And the student receives exactly one "access closing" email
    And the student receives exactly one "access closed" email
    And the "access closing" email carries everything the catalog requires
    And the student cannot log in with the right password: the portal says "access-closed"

  Scenario: Access stays open through the window
    When time passes to the day before six months after the authorized OPT end date, the student logging in monthly
    Then the student can log in
    And the student receives no "access closed" email

  Scenario: The access closing email comes within its lead time
    When time passes to the day after the "access closing" email is due, the student logging in monthly
    Then the student receives exactly one "access closing" email

  Scenario: No access closing email before its lead time
    When time passes to the day before the "access closing" email is due, the student logging in monthly
    Then the student receives no "access closing" email
